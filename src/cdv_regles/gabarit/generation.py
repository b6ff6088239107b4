"""Génération d'un greffon de partenaire à partir des modèles de ``modele/``.

Le paquet est écrit dans un dossier temporaire voisin puis renommé d'un coup : on n'obtient
jamais un greffon à moitié écrit, et un dossier existant n'est jamais touché.
"""

from __future__ import annotations

import os
import re
import string
from dataclasses import dataclass
from pathlib import Path

from cdv_regles.ecriture import ecrire_arborescence
from cdv_regles.erreurs import ErreurCdv

MODELES = Path(__file__).parent / "modele"
NOM_VALIDE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
# Caractères qui casseraient le Python, le YAML ou les messages générés.
_INTERDITS_PARTENAIRE = set('"\\{}$`') | {"\n", "\r", "\t"}


@dataclass(frozen=True)
class Greffon:
    """Ce qu'il faut savoir pour écrire le paquet d'un partenaire."""

    nom: str              # nom court : point d'entrée, code partenaire (« region-hdf »)
    nom_partenaire: str   # nom lisible (« Région Hauts-de-France »)
    cle: str              # préfixe des paramètres (« region »)
    colonne: str          # colonne du montant sollicité (« montant_region »)
    colonne_ajoutee: bool  # vrai si le greffon ajoute cette colonne au contrat du tableau
    millesime: int

    @property
    def distribution(self) -> str:
        return f"cdv-regles-{self.nom}"

    @property
    def module(self) -> str:
        return "cdv_regles_" + self.nom.replace("-", "_")

    @property
    def prefixe(self) -> str:
        return self.cle.replace("_", "-").upper()


def nom_court(nom: str) -> str:
    """« cdv-regles-mon-partenaire » ou « mon-partenaire » → « mon-partenaire », vérifié."""
    court = nom.strip().removeprefix("cdv-regles-")
    if not NOM_VALIDE.match(court):
        raise ErreurCdv(
            f"nom de greffon « {nom} » invalide : minuscules sans accents, chiffres et tirets, "
            "commençant par une lettre (p. ex. « pole-emploi »).")
    return court


def decrire(nom: str, nom_partenaire: str | None, millesime: int | None = None) -> Greffon:
    """Le greffon à générer : un financeur connu du contrat reprend sa clé et sa colonne."""
    from cdv_regles.millesimes import disponibles
    from cdv_regles.parametres import parametres_du_socle, referentiels_du_millesime

    court = nom_court(nom)
    parametres = parametres_du_socle()
    millesime = millesime or (disponibles(parametres) or [0])[-1]
    # Les financeurs du millésime du greffon (liste datée : un nouveau contrat peut la changer).
    refs = referentiels_du_millesime(millesime, parametres)
    financeurs = {str(f["code"]): f for f in refs["financeurs"].details} if "financeurs" in refs else {}
    connu = financeurs.get(court)
    lisible = (nom_partenaire or "").strip() or (str(connu["nom"]) if connu else court.replace("-", " ").capitalize())
    interdits = sorted(c for c in set(lisible) if c in _INTERDITS_PARTENAIRE)
    if interdits:
        vus = " ".join(repr(c) for c in interdits)
        raise ErreurCdv(f"nom de partenaire « {lisible} » : caractères non admis ({vus}). Retirez-les.")
    cle = str(connu["cle"]) if connu else court.replace("-", "_")
    colonne = str(connu["colonne"]) if connu else f"montant_{cle}"
    return Greffon(court, lisible, cle, colonne, connu is None, millesime)


def _installes() -> dict[str, str]:
    """Greffons déjà installés : nom -> distribution."""
    from importlib import metadata

    return {ep.name: (ep.dist.name if ep.dist is not None else "?")
            for ep in metadata.entry_points(group="cdv_regles")}


def _racine_workspace(dossier: Path) -> Path | None:
    """La racine du workspace uv de cdv-regles qui contient ``dossier``, ou None."""
    for parent in [dossier, *dossier.parents]:
        pyproject = parent / "pyproject.toml"
        if pyproject.is_file():
            texte = pyproject.read_text(encoding="utf-8", errors="replace")
            if "[tool.uv.workspace]" in texte and re.search(r'^name\s*=\s*"cdv-regles"', texte, re.M):
                return parent
    return None


def fichiers(g: Greffon, *, workspace: bool, version_socle: str = "") -> dict[str, str]:
    """Chemin relatif -> contenu de chaque fichier du paquet.

    Dans le dépôt (``workspace``), le greffon prend la version du socle, lue dans
    ``version_socle`` (chemin de ``src/cdv_regles/__init__.py`` depuis le paquet), comme les
    sept greffons : ``outils/publier.py`` refuse une version écrite en dur. Hors du dépôt, le
    greffon d'un partenaire a la sienne, « 0.1.0 » pour commencer.
    """
    sources = '\n[tool.uv.sources]\ncdv-regles = { workspace = true }\n' if workspace else ""
    if workspace and version_socle:
        version = f'dynamic = ["version"]  # celle du socle : {version_socle}'
        version_source = (f'[tool.uv]\ncache-keys = [{{ file = "pyproject.toml" }}, {{ file = "{version_socle}" }}]\n\n'
                          f'[tool.hatch.version]\npath = "{version_socle}"\n\n')
    else:
        version, version_source = 'version = "0.1.0"', ""
    valeurs = {
        "nom": g.nom, "nom_partenaire": g.nom_partenaire, "cle": g.cle, "colonne": g.colonne,
        "millesime": str(g.millesime), "distribution": g.distribution, "module": g.module,
        "prefixe": g.prefixe, "sources": sources, "version": version, "version_source": version_source,
        "entete_colonne": f"Montant sollicité {g.nom_partenaire}",
    }
    valeurs["corps"] = (_modele("colonnes.py.tmpl", valeurs) if g.colonne_ajoutee else
                        "from cdv_regles.api import GreffonPartenaire\n\n"
                        f"greffon = GreffonPartenaire({g.nom!r}, {g.nom_partenaire!r}, __file__)")
    paquet = f"src/{g.module}"
    return {
        "pyproject.toml": _modele("pyproject.toml.tmpl", valeurs),
        "README.md": _modele("README.md.tmpl", valeurs),
        f"{paquet}/__init__.py": _modele("__init__.py.tmpl", valeurs).rstrip("\n") + "\n",
        f"{paquet}/regles/parametres.yaml": _modele("parametres.yaml.tmpl", valeurs),
        f"{paquet}/regles/priorites.yaml": _modele("priorites.yaml.tmpl", valeurs),
    }


def _modele(nom: str, valeurs: dict[str, str]) -> str:
    return string.Template((MODELES / nom).read_text(encoding="utf-8")).substitute(valeurs)


def generer(nom: str, dossier: Path, nom_partenaire: str | None = None) -> tuple[Path, Greffon, list[str]]:
    """Écrit le paquet ``<dossier>/cdv-regles-<nom>`` ; renvoie son chemin, sa description et ses fichiers."""
    g = decrire(nom, nom_partenaire)
    dossier = Path(dossier)
    if not dossier.is_dir():
        raise ErreurCdv(f"le dossier {dossier} n'existe pas : créez-le ou choisissez-en un autre (--dossier).")
    cible = dossier / g.distribution
    conseil = "Choisissez un autre nom ou un autre dossier (--dossier) ; un greffon existant n'est jamais écrasé."
    if os.path.lexists(cible):
        raise ErreurCdv(f"{cible} existe déjà : rien n'a été écrit. {conseil}")
    installe = _installes().get(g.nom)
    if installe is not None:
        raise ErreurCdv(f"un greffon « {g.nom} » est déjà installé (distribution {installe}) : deux greffons "
                        "ne peuvent pas porter le même nom. Choisissez un autre nom.")
    racine = _racine_workspace(dossier.resolve())
    version_socle = (Path(os.path.relpath(racine / "src" / "cdv_regles" / "__init__.py", (cible).resolve())).as_posix()
                     if racine is not None else "")
    contenu = fichiers(g, workspace=racine is not None, version_socle=version_socle)
    # Exclusif : un dossier apparu pendant la génération n'est jamais rempli ni remplacé.
    ecrire_arborescence(cible, contenu, conseil)
    return cible, g, sorted(contenu)
