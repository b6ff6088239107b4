"""La frontière des greffons : un greffon n'importe de cdv_regles que ``cdv_regles.api``.

Les modules internes peuvent changer d'une version à l'autre ; seul ``cdv_regles.api`` est
promis. Le test lit les imports (arbre syntaxique, imports paresseux dans les fonctions compris)
des sept greffons du dépôt, du code généré par ``nouveau-plugin`` et des exemples du guide.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[1]
PLUGINS = RACINE / "plugins"


def imports_interdits(source: str) -> list[str]:
    """Les modules de ``cdv_regles`` importés par ``source``, hors ``cdv_regles.api``."""
    interdits = []
    for n in ast.walk(ast.parse(source)):
        if isinstance(n, ast.Import):
            noms = [a.name for a in n.names]
        elif isinstance(n, ast.ImportFrom) and n.level == 0 and n.module:
            noms = [n.module] if n.module != "cdv_regles" else [f"cdv_regles.{a.name}" for a in n.names]
        else:
            continue
        interdits += [m for m in noms if (m == "cdv_regles" or m.startswith("cdv_regles.")) and m != "cdv_regles.api"]
    return interdits


def modules_des_greffons() -> list[Path]:
    return sorted(PLUGINS.glob("*/src/**/*.py"))


def test_les_sept_greffons_sont_lus() -> None:
    assert len({p.relative_to(PLUGINS).parts[0] for p in modules_des_greffons()}) == 7


@pytest.mark.parametrize("chemin", modules_des_greffons(), ids=lambda p: str(p.relative_to(PLUGINS)))
def test_un_greffon_n_importe_que_l_api(chemin: Path) -> None:
    assert imports_interdits(chemin.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("nom", ["caf-nord", "pole-emploi"])  # colonne reprise / colonne ajoutée
def test_le_gabarit_n_importe_que_l_api(nom: str) -> None:
    from cdv_regles.gabarit.generation import decrire, fichiers

    sources = {c: t for c, t in fichiers(decrire(nom, None), workspace=True).items() if c.endswith(".py")}
    assert sources
    for chemin, texte in sources.items():
        assert imports_interdits(texte) == [], chemin
        assert "cdv_regles.api" in texte, chemin


def test_les_exemples_du_guide_n_importent_que_l_api() -> None:
    guide = (PLUGINS / "GUIDE.md").read_text(encoding="utf-8")
    blocs = re.findall(r"```python\n(.*?)```", guide, re.S)
    assert blocs
    for bloc in blocs:
        assert imports_interdits(bloc) == [], bloc


def test_la_verification_voit_chaque_forme_d_import() -> None:
    source = ("import cdv_regles.moteur\nfrom cdv_regles import socle, api\nfrom cdv_regles.api import hookimpl\n"
              "def f():\n    from cdv_regles.referentiels import cle_nom\n")
    assert imports_interdits(source) == ["cdv_regles.moteur", "cdv_regles.socle", "cdv_regles.referentiels"]


def test_l_api_expose_ce_que_le_guide_promet() -> None:
    import cdv_regles.api as api

    for nom in ("hookimpl", "GreffonPartenaire", "Contexte", "Constat", "GRAVITES", "FAMILLES",
                "Referentiel", "cle_nom", "contient_mots", "mot_trouve", "premiers_mots", "reperer_mots",
                "fichiers_de_regles", "Parametre", "a_renouveler"):
        assert nom in api.__all__ and hasattr(api, nom), nom
        assert f"`{nom}`" in (PLUGINS / "GUIDE.md").read_text(encoding="utf-8"), f"{nom} absent du guide"


def test_le_contexte_est_en_lecture_seule(environnement_2023) -> None:
    import dataclasses
    import datetime as dt

    _, catalogue = environnement_2023
    contexte = catalogue.contexte(dt.date(2023, 3, 1))
    with pytest.raises(TypeError):
        contexte.parametres["statuts_structure_seule"] = []  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        contexte.millesime = 2024  # type: ignore[misc]
    # Une liste reçue est une copie : la modifier ne change rien pour les autres greffons.
    contexte.parametres["statuts_structure_seule"].append("Tout")
    assert "Tout" not in catalogue.contexte(dt.date(2023, 3, 1)).parametres["statuts_structure_seule"]
    c = contexte.constat(partenaire="etat", regle="ETAT-X", famille="priorites", gravite="info",
                         message="m", dossier="D", ligne=3, colonnes=("montant_etat",))
    assert c.entetes == (catalogue.contexte(dt.date(2023, 3, 1)).entetes["montant_etat"],)


def test_les_outils_de_texte_de_l_api() -> None:
    import polars as pl

    from cdv_regles.api import cle_nom, contient_mots, mot_trouve

    assert cle_nom("Saint-Saulve") == cle_nom("ST SAULVE")
    assert mot_trouve("Activités SPORTIVES", "sport*") and not mot_trouve("Transport", "sport*")
    df = pl.DataFrame({"t": ["Activités sportives", "Transport", None]})
    assert df.select(contient_mots(pl.col("t"), ["sport*"]))["t"].to_list() == [True, False, None]


def test_premiers_mots_trouve_en_bloc_ce_que_mot_trouve_trouve() -> None:
    """La recherche en bloc rend, ligne par ligne, le premier mot (ordre des mots puis des
    colonnes) que mot_trouve trouverait ; un mot vide une fois normalisé ne trouve rien."""
    import polars as pl

    from cdv_regles.api import mot_trouve, premiers_mots

    textes = ["Sport pour tous", "Transport solidaire", None, "  ", "Soutien aux PARENTS d'ados",
              "Santé mentale des jeunes", "٠-6 ans", "0-6 ans et parentalité", "sportives et psychiques"]
    df = pl.DataFrame({"a": textes, "b": list(reversed(textes))})
    groupes = {"sport": ["sport*"], "familles": ["parentalité", "soutien aux parents", "0-6 ans"],
               "psy": ["santé mentale", "psychique*"], "rien": ["---", "*"]}
    attendu = []
    for a, b in zip(df["a"], df["b"], strict=True):
        ligne = {}
        for g, mots in groupes.items():
            ligne[g] = next(((m, c) for m in mots for c, t in (("a", a), ("b", b))
                             if isinstance(t, str) and t.strip() and mot_trouve(t, m)), None)
        attendu.append(ligne)
    assert premiers_mots(df, ["a", "b"], groupes) == attendu
    assert attendu[0]["sport"] == ("sport*", "a") and attendu[1]["sport"] is None
    assert attendu[6]["familles"] is None  # « ٠-6 ans » (chiffre arabe-indien) n'est pas « 0-6 ans »
    assert attendu[7]["familles"] == ("parentalité", "a")  # l'ordre des mots d'abord
    assert all(r["rien"] is None for r in attendu)
    assert not mot_trouve("abc", "---")
