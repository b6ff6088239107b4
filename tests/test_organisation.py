"""Le chemin d'un fichier dans ``src/cdv_regles`` va dans un seul sens (README, « Organisation ») :
lecture → tableau typé → règles (schéma, moteur, contrôles des greffons) → constats → sorties.

Aucun module n'importe un module d'une étape suivante, pas même à l'intérieur d'une fonction
(import paresseux) ni pour les annotations. Le vocabulaire commun (étape 0) ne dépend de rien
de ce qui suit. Un module nouveau doit prendre place dans ``ETAPES`` : le test le demande.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

# Préfixe de module -> étape. Le préfixe le plus long l'emporte (« cdv_regles.lecture » couvre
# le paquet de lecture et chacun de ses modules).
ETAPES: dict[str, int] = {
    # 0. Vocabulaire commun : erreurs, fichiers de données et chemins, contrat des colonnes,
    # référentiels, valeurs telles qu'on les saisit, adresses de cellules, le type Constat.
    "cdv_regles": 0, "cdv_regles.erreurs": 0, "cdv_regles.donnees": 0, "cdv_regles.chemins": 0,
    "cdv_regles.contrat": 0, "cdv_regles.referentiels": 0, "cdv_regles.valeurs": 0,
    "cdv_regles.adresses": 0, "cdv_regles.constats": 0, "cdv_regles.ecriture": 0,
    "cdv_regles.click_fr": 0,
    # 1. Lecture : le fichier -> une table brute.
    "cdv_regles.lecture": 1,
    # 2. Tableau typé : chaque cellule selon le type de sa colonne.
    "cdv_regles.conversion": 2,
    # 3. Règles : fichiers de règles et paramètres, langage, greffons, catalogue, moteur, schéma.
    "cdv_regles.regle": 3, "cdv_regles.parametres": 3, "cdv_regles.expressions": 3,
    "cdv_regles.derivations": 3, "cdv_regles.hookspecs": 3, "cdv_regles.contexte": 3,
    "cdv_regles.partenaire": 3, "cdv_regles.api": 3, "cdv_regles.greffons": 3,
    "cdv_regles.catalogue": 3, "cdv_regles.moteur": 3, "cdv_regles.schema": 3,
    "cdv_regles.constats_lecture": 3,
    "cdv_regles.millesimes": 3,
    # 4. Constats : la vérification de bout en bout rassemble constats et défauts.
    "cdv_regles.verification": 4,
    # 5. Sorties : rapports, synthèse, export, classeur, gabarit, ligne de commande ; le socle,
    # greffon chargé par son point d'entrée, apporte aussi sa rubrique de synthèse.
    "cdv_regles.rapports": 5, "cdv_regles.synthese": 5, "cdv_regles.export": 5,
    "cdv_regles.classeur": 5, "cdv_regles.gabarit": 5, "cdv_regles.textconv": 5,
    "cdv_regles.exemples": 5, "cdv_regles.pytest_regles": 5, "cdv_regles.cli": 5,
    "cdv_regles.__main__": 5, "cdv_regles.socle": 5, "cdv_regles.ouverture": 5,
    # Ligne de commande : ses commandes, ses options partagées, erreurs inattendues et progression.
    "cdv_regles.commandes": 5, "cdv_regles.options": 5, "cdv_regles.incident": 5,
    "cdv_regles.progression": 5, "cdv_regles.processus": 5,
}
NOMS = ["vocabulaire", "lecture", "tableau typé", "règles", "constats", "sorties"]


def nom_module(chemin: Path) -> str:
    parties = list(chemin.relative_to(SRC).with_suffix("").parts)
    return ".".join(parties[:-1] if parties[-1] == "__init__" else parties)


MODULES = {nom_module(p): p for p in sorted((SRC / "cdv_regles").rglob("*.py"))}


def etape(module: str) -> int | None:
    prefixes = [p for p in ETAPES if module == p or module.startswith(p + ".")]
    return ETAPES[max(prefixes, key=len)] if prefixes else None


def imports(module: str) -> set[str]:
    chemin = MODULES[module]
    return imports_source(chemin.read_text(encoding="utf-8"), module, chemin.name == "__init__.py")


def imports_source(source: str, module: str, est_paquet: bool = False) -> set[str]:
    """Les modules de cdv_regles importés par ``source`` (imports relatifs et paresseux compris)."""
    paquet = module.split(".") if est_paquet else module.split(".")[:-1]
    vus: set[str] = set()
    for n in ast.walk(ast.parse(source)):
        if isinstance(n, ast.Import):
            vus |= {a.name for a in n.names if a.name.split(".")[0] == "cdv_regles"}
        elif isinstance(n, ast.ImportFrom):
            base = n.module or ""
            if n.level:
                base = ".".join(paquet[:len(paquet) - n.level + 1] + ([base] if base else []))
            if base.split(".")[0] != "cdv_regles":
                continue
            for a in n.names:  # « from cdv_regles import catalogue » importe un module
                vus.add(f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base)
    return vus - {module}


def test_chaque_module_a_son_etape() -> None:
    sans = [m for m in MODULES if etape(m) is None]
    assert sans == [], f"ajoutez ces modules à ETAPES (tests/test_organisation.py) : {sans}"


def a_rebours(module: str, importes: set[str]) -> list[str]:
    return [f"{module} ({NOMS[etape(module)]}) importe {i} ({NOMS[etape(i)]})"
            for i in sorted(importes) if etape(i) is not None and etape(i) > etape(module)]


def test_aucun_module_n_importe_une_etape_suivante() -> None:
    assert [t for m in MODULES if etape(m) is not None for t in a_rebours(m, imports(m))] == []


def test_le_socle_n_est_importe_par_personne() -> None:
    """Un greffon comme les autres : chargé par son point d'entrée, jamais importé."""
    assert [m for m in MODULES if "cdv_regles.socle" in imports(m)] == []


def test_la_verification_voit_un_import_a_rebours() -> None:
    """Le contrôle lui-même : un import paresseux ou relatif d'une étape suivante est trouvé."""
    source = ("import polars\nfrom cdv_regles.expressions import Compilateur\n"
              "def f():\n    from cdv_regles.rapports import rendre\n    from . import verification\n")
    assert a_rebours("cdv_regles.moteur", imports_source(source, "cdv_regles.moteur")) == [
        "cdv_regles.moteur (règles) importe cdv_regles.rapports (sorties)",
        "cdv_regles.moteur (règles) importe cdv_regles.verification (constats)",
    ]
