"""Les greffons des partenaires : chargement, liste, désactivation, isolement des pannes, et ce
que chaque partenaire ajoute (règles, contrôle Python et synthèse de l'État).

Les tableaux sont de petits classeurs posés sur le dossier type (fixture ``classeur`` de
conftest.py) ; chaque test regarde ce qu'un utilisateur verrait : la sortie de
``cdv-regles plugins`` ou ``cdv-regles verifier``, les constats et leurs messages.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import textwrap
from dataclasses import replace
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from cdv_regles.chemins import dossier_regles
from cdv_regles.cli import cdv_regles

DATE = "2023-03-01"
PARTENAIRES = {
    # nom du greffon (point d'entrée) -> distribution
    "etat": "cdv-regles-etat",
    "valenciennes-metropole": "cdv-regles-valenciennes-metropole",
    "departement-nord": "cdv-regles-departement-nord",
    "region-hdf": "cdv-regles-region-hdf",
    "caf-nord": "cdv-regles-caf-nord",
    "ars-hdf": "cdv-regles-ars-hdf",
    "cpam-hainaut": "cdv-regles-cpam-hainaut",
}

# Un dossier par partenaire, chacun contraire à une règle de ce partenaire (et d'aucun autre).
DOSSIERS_PARTENAIRES: list[dict[str, Any]] = [
    {"numero_dossier": "ETAT-1", "intitule": "Soutien à la parentalité"},
    {"numero_dossier": "CAVM-1", "culture_exclusive": "Oui", "montant_etat": None, "fonds_propres": "15 000"},
    {"numero_dossier": "DEP-1", "orientation": "4", "montant_etat": None, "montant_cavm": None,
     "piece_courrier_president": "Non", "montant_departement": "3 000", "fonds_propres": "17 000"},
    {"numero_dossier": "REG-1", "montant_etat": None, "montant_region": "8 000"},
    {"numero_dossier": "CAF-1", "orientation": "2", "montant_etat": None, "montant_caf": "8 000"},
    {"numero_dossier": "ARS-1", "orientation": "3", "montant_etat": None, "montant_ars": "8 000"},
    {"numero_dossier": "CPAM-1", "orientation": "6", "montant_etat": None, "montant_cpam": "8 000"},
    # Et un dossier contraire à une règle commune seulement.
    {"numero_dossier": "SOCLE-1", "piece_cerfa": "Non"},
]
REGLE_ATTENDUE = {"ETAT-1": "ETAT-PRIORITES-2023", "CAVM-1": "CAVM-CULTURE-EXCLUSIVE",
                  "DEP-1": "DEP-EDUCATION-COLLEGE", "REG-1": "REG-PRIORITES", "CAF-1": "CAF-MISSIONS",
                  "ARS-1": "ARS-SANTE", "CPAM-1": "CPAM-SANTE"}


@pytest.fixture(autouse=True)
def tous_actifs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Aucun greffon désactivé par l'environnement de l'appelant."""
    monkeypatch.delenv("CDV_REGLES_DESACTIVER", raising=False)


def invoquer(*args: str, env: dict[str, str] | None = None) -> Any:
    # Le millésime est nommé : sans lui, la date du jour le choisirait (et aucun ne couvre 2026).
    millesime = [] if "--millesime" in args else ["--millesime", "2023"]
    return CliRunner().invoke(cdv_regles, [*args, *millesime], env=env, catch_exceptions=False)


def verifier_json(chemin: Path, *options: str, env: dict[str, str] | None = None) -> tuple[Any, dict]:
    r = invoquer("verifier", str(chemin), "--format", "json", "--date", DATE, "--millesime", "2023",
                 *options, env=env)
    return r, json.loads(r.stdout)


def partenaires_des(constats: list[dict]) -> set[str]:
    return {c["partenaire"] for c in constats}


@pytest.fixture
def tableau_partenaires(classeur) -> Path:
    return classeur(DOSSIERS_PARTENAIRES)


# --- la liste des greffons ---------------------------------------------------------------------

def test_plugins_json_liste_le_socle_et_les_sept_partenaires() -> None:
    r = invoquer("plugins", "--format", "json")
    assert r.exit_code == 0, r.output
    donnees = json.loads(r.stdout)
    assert donnees["defauts"] == []
    par_nom = {g["nom"]: g for g in donnees["greffons"]}
    assert {"socle", *PARTENAIRES} <= set(par_nom)
    for nom, distribution in PARTENAIRES.items():
        g = par_nom[nom]
        assert g["actif"] is True
        assert g["partenaire"] == nom
        assert g["version"] == metadata.version(distribution)
        assert g["regles"] > 0, f"{nom} n'apporte aucune règle"
    assert par_nom["socle"]["regles"] > 0
    # Tout greffon installé est listé.
    assert {ep.name for ep in metadata.entry_points(group="cdv_regles")} <= set(par_nom)


def test_les_codes_partenaires_sont_ceux_du_referentiel_des_financeurs() -> None:
    """Chaque financeur du Contrat de Ville a son greffon, sous le code et le nom du référentiel."""
    listes = yaml.safe_load((dossier_regles() / "parametres" / "listes.yaml").read_text(encoding="utf-8"))
    financeurs = {f["code"]: f["nom"] for f in listes["financeurs"]["valeurs"][2023]}
    donnees = json.loads(invoquer("plugins", "--format", "json", "--millesime", "2023").stdout)
    noms = {g["partenaire"]: g["nom_partenaire"] for g in donnees["greffons"] if g["actif"]}
    assert set(financeurs) == set(PARTENAIRES)
    for code, nom in financeurs.items():
        assert noms[code] == nom


def test_plugins_texte_nomme_chaque_partenaire() -> None:
    r = invoquer("plugins")
    assert r.exit_code == 0
    for ligne_attendue in ("Région Hauts-de-France", "CAF du Nord", "ARS Hauts-de-France", "CPAM du Hainaut",
                           "Département du Nord", "Valenciennes Métropole", "État (politique de la ville)"):
        assert ligne_attendue in r.stdout


def test_chaque_hook_des_greffons_correspond_a_une_specification() -> None:
    """Un hook mal nommé dans un greffon ne serait jamais appelé : pluggy le signale ici."""
    from cdv_regles.greffons import charger

    greffons = charger()
    assert greffons.defauts == []
    greffons.gestionnaire.check_pending()  # rien d'inconnu n'est resté enregistré
    assert {g.nom for g in greffons.actifs} >= {"socle", *PARTENAIRES}


# --- chaque partenaire a ses constats, à son nom -------------------------------------------------

def test_chaque_partenaire_signale_son_dossier(tableau_partenaires: Path) -> None:
    r, donnees = verifier_json(tableau_partenaires)
    assert donnees["resume"]["defauts_greffons"] == []
    constats = donnees["constats"]
    for dossier, regle in REGLE_ATTENDUE.items():
        vus = [c for c in constats if c["dossier"] == dossier and c["partenaire"] != "socle"]
        assert [c["regle"] for c in vus] == [regle], (dossier, vus)
    assert [c["regle"] for c in constats if c["dossier"] == "SOCLE-1"] == ["PIE-CERFA"]
    assert {"socle", *PARTENAIRES} <= partenaires_des(constats)
    assert r.exit_code == 1  # CAVM-CULTURE-EXCLUSIVE est bloquant


def test_les_regles_des_partenaires_ignorent_les_dossiers_non_sollicites_ou_refuses(classeur) -> None:
    """Des dossiers contraires à toutes les règles des partenaires, mais refusés, abandonnés ou
    sans demande au partenaire : aucun constat de partenaire (l'État non plus)."""
    tout_faux = {"orientation": "4", "echelle": "Intercommunale", "piece_formation_egalite": "Oui",
                 "culture_exclusive": "Oui", "dispositif": "Quartiers d'été", "bonus_egalite": "1 000",
                 "diagnostic_sexue": "Non", "marqueur_egalite": 0, "intitule": "Sport et parentalité",
                 "montant_departement": "1 000", "montant_region": "1 000", "montant_caf": "1 000",
                 "montant_ars": "1 000", "montant_cpam": "1 000",
                 # Un « Quartiers d'été » qui ne rejoint pas l'été.
                 "date_debut": "01/01/2023", "date_fin": "30/04/2023"}
    sans_demande = {"montant_etat": None, "montant_cavm": None, "bonus_egalite": None, "montant_departement": None,
                    "montant_region": None, "montant_caf": None, "montant_ars": None, "montant_cpam": None,
                    "fonds_propres": "20 000"}
    # Orientation 4 : contraire aux règles de tous, sauf la CAF (4 est dans ses missions) ; 2 : la CAF.
    variantes = [tout_faux, {**tout_faux, "orientation": "2"}]
    lignes = [{**v, **autre, "numero_dossier": f"{nom}-{i}"}
              for i, v in enumerate(variantes)
              for nom, autre in (("REFUSE", {"statut": "Refusé"}), ("ABANDON", {"statut": "Abandonné"}),
                                 ("SANS", sans_demande))]
    _, donnees = verifier_json(classeur(lignes))
    assert partenaires_des(donnees["constats"]) == {"socle"}
    # Les mêmes dossiers en instruction : chaque partenaire les signale (le test ci-dessus a un sens).
    _, donnees = verifier_json(classeur([{**v, "numero_dossier": f"EN-COURS-{i}"} for i, v in enumerate(variantes)],
                                        nom="b.xlsx"))
    assert {c["regle"] for c in donnees["constats"] if c["partenaire"] != "socle"} == {
        "ETAT-ORIENTATION-1", "ETAT-PRIORITES-2023", "CAVM-ORIENTATIONS-INTERCO", "CAVM-CULTURE-EXCLUSIVE",
        "CAVM-BONUS-EGALITE-MARQUEUR", "DEP-EDUCATION-COLLEGE", "REG-QUARTIERS-ETE-PERIODE", "CAF-MISSIONS",
        "ARS-SANTE", "CPAM-SANTE"}


def test_gravites_et_sources_des_regles_des_partenaires(environnement_2023) -> None:
    """Famille « priorites », source citée, gravité alerte sauf ce que la spécification dit."""
    _, catalogue = environnement_2023
    regles = [r for r in catalogue.regles if r.partenaire in PARTENAIRES]
    assert {r.partenaire for r in regles} == set(PARTENAIRES)
    gravites_speciales = {"CAVM-CULTURE-EXCLUSIVE": "bloquant", "ETAT-ORIENTATION-1": "info"}
    for r in regles:
        assert r.famille == "priorites", r.id
        assert r.gravite == gravites_speciales.get(r.id, "alerte"), r.id
        assert r.source.get("document") and r.source.get("section"), r.id
        assert r.exemples.get("valides") and r.exemples.get("invalides"), r.id


# --- désactiver un greffon -----------------------------------------------------------------------

def test_sans_region_retire_ses_regles_de_la_liste() -> None:
    avec = {g["nom"]: g for g in json.loads(invoquer("plugins", "--format", "json").stdout)["greffons"]}
    r = invoquer("plugins", "--format", "json", "--sans", "region-hdf")
    assert r.exit_code == 0
    sans = {g["nom"]: g for g in json.loads(r.stdout)["greffons"]}
    assert avec["region-hdf"]["actif"] and avec["region-hdf"]["regles"] == 2
    assert sans["region-hdf"]["actif"] is False and sans["region-hdf"]["regles"] == 0
    assert {n: g["regles"] for n, g in sans.items() if n != "region-hdf"} == \
        {n: g["regles"] for n, g in avec.items() if n != "region-hdf"}


@pytest.mark.parametrize("maniere", ["option", "variable"])
def test_desactiver_region_retire_ses_constats(tableau_partenaires: Path, maniere: str) -> None:
    _, avec = verifier_json(tableau_partenaires)
    assert "region-hdf" in partenaires_des(avec["constats"])
    if maniere == "option":
        r, sans = verifier_json(tableau_partenaires, "--sans", "region-hdf")
    else:
        r, sans = verifier_json(tableau_partenaires, env={"CDV_REGLES_DESACTIVER": "region-hdf"})
    assert r.exit_code == 1  # les autres constats bloquants sont toujours là
    assert sans["resume"]["defauts_greffons"] == []
    assert "region-hdf" not in partenaires_des(sans["constats"])
    assert not any(c["regle"].startswith("REG-") for c in sans["constats"])
    # Rien d'autre n'a changé : mêmes constats, moins ceux de la Région.
    attendus = [c for c in avec["constats"] if c["partenaire"] != "region-hdf"]
    assert sans["constats"] == attendus


def test_desactiver_retire_aussi_les_parametres_du_greffon() -> None:
    from cdv_regles.verification import preparer

    _, catalogue = preparer(2023, {"region-hdf"})
    assert not any(r.partenaire == "region-hdf" for r in catalogue.regles)
    assert not any(n.startswith("region_") or n == "enveloppe_region" for n in catalogue.parametres.tous)


# --- un greffon en panne n'arrête pas la vérification ----------------------------------------------

FAUX_MODULES = {
    "import": """
        raise RuntimeError("panne volontaire à l'import")
    """,
    "hook": """
        from cdv_regles.hookspecs import hookimpl

        @hookimpl
        def cdv_regles_partenaire():
            return {"code": "faux", "nom": "Faux partenaire"}

        @hookimpl
        def cdv_regles_fichiers_regles(millesime):
            raise RuntimeError("panne volontaire du hook")
    """,
    "fichier-casse": """
        from pathlib import Path
        from cdv_regles.hookspecs import hookimpl

        @hookimpl
        def cdv_regles_partenaire():
            return {"code": "faux", "nom": "Faux partenaire"}

        @hookimpl
        def cdv_regles_fichiers_regles(millesime):
            return [Path(__file__).parent / "faux_regles.yaml"]
    """,
    "regle-invalide": """
        from pathlib import Path
        from cdv_regles.hookspecs import hookimpl

        @hookimpl
        def cdv_regles_partenaire():
            return {"code": "faux", "nom": "Faux partenaire"}

        @hookimpl
        def cdv_regles_fichiers_regles(millesime):
            return [Path(__file__).parent / "faux_regle_invalide.yaml"]
    """,
    "hook-mal-nomme": """
        from cdv_regles.api import hookimpl

        @hookimpl
        def cdv_regles_partenaire():
            return {"code": "faux", "nom": "Faux partenaire"}

        @hookimpl
        def cdv_regles_controle(tableau, contexte):  # il manque le « s » : jamais appelé
            return []
    """,
    "hook-mal-signe": """
        from cdv_regles.api import hookimpl

        @hookimpl
        def cdv_regles_controles(table, contexte):  # « table » au lieu de « tableau »
            return []
    """,
    "formes": """
        from cdv_regles.api import hookimpl

        @hookimpl
        def cdv_regles_partenaire():
            return {"code": "faux", "nom": "Faux partenaire"}

        @hookimpl
        def cdv_regles_fichiers_regles(millesime):
            return "regles.yaml"  # un texte, pas une liste

        @hookimpl
        def cdv_regles_colonnes():
            return 5

        @hookimpl
        def cdv_regles_referentiels():
            return ["dispositifs"]
    """,
    "financeur-incomplet": """
        from cdv_regles.api import hookimpl

        @hookimpl
        def cdv_regles_partenaire():
            return {"code": "faux", "nom": "Faux partenaire"}

        @hookimpl
        def cdv_regles_referentiels():
            return {"financeurs": [{"code": "faux", "cle": "faux", "nom": "Faux financeur"}]}  # sans colonne
    """,
    "panique": """
        from cdv_regles.api import hookimpl

        @hookimpl
        def cdv_regles_partenaire():
            return {"code": "faux", "nom": "Faux partenaire"}

        @hookimpl
        def cdv_regles_controles(tableau, contexte):
            import polars as pl

            raise pl.exceptions.PanicException("panique volontaire de polars")  # une BaseException
    """,
    "controle": """
        from cdv_regles.hookspecs import hookimpl

        @hookimpl
        def cdv_regles_partenaire():
            return {"code": "faux", "nom": "Faux partenaire"}

        @hookimpl
        def cdv_regles_controles(tableau, contexte):
            raise ZeroDivisionError("panne volontaire du contrôle")
    """,
}


@pytest.fixture
def faux_greffon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Installe (par sys.path et un dist-info) une distribution « cdv-regles-faux » dont le
    greffon « faux » tombe en panne de la manière demandée."""
    def installer(panne: str) -> str:
        module = "faux_greffon_" + panne.replace("-", "_")
        racine = tmp_path / "site"
        racine.mkdir()
        (racine / f"{module}.py").write_text(textwrap.dedent(FAUX_MODULES[panne]), encoding="utf-8")
        (racine / "faux_regles.yaml").write_text("regles: [ {id: FAUX-1, gravite: alerte\n", encoding="utf-8")
        (racine / "faux_regle_invalide.yaml").write_text(
            "famille: priorites\nregles:\n  - {id: FAUX-1, titre: t, gravite: grave, exiger: 'vrai', "
            "message: m, source: {document: D}}\n", encoding="utf-8")
        info = racine / "cdv_regles_faux-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text("Metadata-Version: 2.1\nName: cdv-regles-faux\nVersion: 1.0\n",
                                       encoding="utf-8")
        (info / "entry_points.txt").write_text(f"[cdv_regles]\nfaux = {module}\n", encoding="utf-8")
        monkeypatch.syspath_prepend(str(racine))
        monkeypatch.delitem(sys.modules, module, raising=False)
        return module

    return installer


@pytest.mark.parametrize("panne", sorted(FAUX_MODULES))
def test_un_greffon_en_panne_n_arrete_pas_la_verification(faux_greffon, tableau_partenaires: Path,
                                                          panne: str) -> None:
    _, reference = verifier_json(tableau_partenaires)
    faux_greffon(panne)
    r, donnees = verifier_json(tableau_partenaires)
    assert r.exit_code == 3, r.output
    # Le défaut nomme le greffon, sur la sortie d'erreur et dans le rapport.
    assert "greffon « faux »" in r.stderr
    assert [d for d in donnees["resume"]["defauts_greffons"] if "greffon « faux »" in d]
    assert "Traceback" not in r.output
    # Les autres règles ont tourné : les constats sont ceux d'une vérification sans le faux greffon.
    assert donnees["constats"] == reference["constats"]
    assert {"socle", *PARTENAIRES} <= partenaires_des(donnees["constats"])


@pytest.mark.parametrize("panne", ["import", "hook", "fichier-casse", "regle-invalide", "hook-mal-nomme",
                                   "hook-mal-signe", "formes"])
def test_plugins_signale_le_greffon_en_panne(faux_greffon, panne: str) -> None:
    faux_greffon(panne)
    r = invoquer("plugins")
    assert r.exit_code == 3
    assert "Défaut : greffon « faux »" in r.stdout
    assert "Région Hauts-de-France" in r.stdout  # les autres sont listés


def test_un_hook_mal_nomme_est_un_defaut_qui_le_nomme(faux_greffon) -> None:
    """Sans check_pending, le contrôle « cdv_regles_controle » serait ignoré sans un mot."""
    faux_greffon("hook-mal-nomme")
    r = invoquer("plugins", "--format", "json")
    assert r.exit_code == 3
    (defaut,) = json.loads(r.stdout)["defauts"]
    assert defaut.startswith("greffon « faux » : refusé : le hook « cdv_regles_controle » n'existe pas")
    assert "vouliez-vous dire « cdv_regles_controles » ?" in defaut
    assert "faux" not in [g["nom"] for g in json.loads(r.stdout)["greffons"]]


def test_un_hook_qui_renvoie_une_mauvaise_forme_est_un_defaut(faux_greffon) -> None:
    faux_greffon("formes")
    defauts = json.loads(invoquer("plugins", "--format", "json").stdout)["defauts"]
    assert defauts == [
        "greffon « faux » : cdv_regles_colonnes doit renvoyer une liste de colonnes (une liste), pas int",
        "greffon « faux » : cdv_regles_referentiels doit renvoyer un dictionnaire {liste: [valeurs]}, pas list",
        "greffon « faux » : cdv_regles_fichiers_regles doit renvoyer des chemins de fichiers (une liste), pas str",
    ]


def test_un_financeur_ajoute_sans_ses_champs_est_un_defaut_du_greffon(faux_greffon,
                                                                   tableau_partenaires: Path) -> None:
    """Les règles lisent la colonne de chaque financeur (colonnes_de) : un élément ajouté sans elle
    est refusé au greffon qui l'apporte, pas imputé à la règle du socle qui le lirait."""
    from cdv_regles.verification import verifier_fichier

    faux_greffon("financeur-incomplet")
    r = invoquer("plugins", "--format", "json")
    assert r.exit_code == 3
    (defaut,) = json.loads(r.stdout)["defauts"]
    assert defaut.startswith("greffon « faux » : cdv_regles_referentiels : la liste « financeurs » : chaque "
                             "élément a les champs code (un texte), cle (un texte), nom (un texte), colonne (un "
                             "texte) ; « colonne » manque ou n'est pas un texte dans {")
    assert defaut.endswith("} ; rien n'est ajouté à la liste")
    resultat = verifier_fichier(tableau_partenaires, millesime=2023, date_reference=dt.date(2023, 3, 1))
    assert [d.greffon for d in resultat.defauts] == ["faux"]
    assert "Faux financeur" not in resultat.catalogue.referentiels["financeurs"].valeurs + [
        d.get("nom") for d in resultat.catalogue.referentiels["financeurs"].details]


def test_un_hook_mal_signe_est_dit_en_francais(faux_greffon) -> None:
    faux_greffon("hook-mal-signe")
    (defaut,) = json.loads(invoquer("plugins", "--format", "json").stdout)["defauts"]
    assert defaut == ("greffon « faux » : refusé : le hook « cdv_regles_controles » attend table, que "
                      "cdv-regles ne fournit pas (arguments possibles : tableau, contexte)")


def test_le_defaut_garde_la_trace_pour_l_auteur_du_greffon(faux_greffon, tableau_partenaires: Path) -> None:
    """L'agent lit une ligne ; l'auteur du greffon retrouve la trace Python dans ``Defaut.trace``."""
    from cdv_regles.verification import verifier_fichier

    faux_greffon("controle")
    resultat = verifier_fichier(tableau_partenaires, millesime=2023, date_reference=dt.date(2023, 3, 1))
    (defaut,) = [d for d in resultat.defauts if d.greffon == "faux"]
    assert str(defaut) == ("greffon « faux » : cdv_regles_controles a échoué "
                           "(ZeroDivisionError : panne volontaire du contrôle)")
    assert "\n" not in str(defaut)
    assert defaut.trace.startswith("Traceback") and "faux_greffon_controle.py" in defaut.trace
    assert "ZeroDivisionError: panne volontaire du contrôle" in defaut.trace
    # L'agent voit la ligne ; --debug montre aussi la trace à l'auteur du greffon.
    r = invoquer("verifier", str(tableau_partenaires), "--date", DATE, "--millesime", "2023")
    assert f"Défaut : {defaut}" in r.stderr and "Traceback" not in r.output
    r = invoquer("--debug", "verifier", str(tableau_partenaires), "--date", DATE, "--millesime", "2023")
    assert r.exit_code == 3
    assert f"Défaut : {defaut}" in r.stderr and "ZeroDivisionError: panne volontaire du contrôle" in r.stderr


def test_debug_montre_la_trace_du_defaut_a_l_auteur(faux_greffon, tableau_partenaires: Path) -> None:
    """``--debug`` (ou CDV_REGLES_DEBUG=1) : la trace du défaut sous sa ligne ; sans lui, la ligne seule."""
    faux_greffon("controle")
    sans = invoquer("verifier", str(tableau_partenaires), "--date", DATE, "--millesime", "2023")
    assert sans.exit_code == 3 and "panne volontaire du contrôle" in sans.stderr
    assert "Traceback" not in sans.output
    for args, env in ((["--debug"], None), ([], {"CDV_REGLES_DEBUG": "1"})):
        r = invoquer(*args, "verifier", str(tableau_partenaires), "--date", DATE, "--millesime", "2023", env=env)
        assert r.exit_code == 3
        ligne = r.stderr.index("greffon « faux » : cdv_regles_controles a échoué")
        assert r.stderr.index("Traceback", ligne) > ligne and "faux_greffon_controle.py" in r.stderr
        assert "Traceback" not in r.stdout  # le rapport reste propre


def test_les_defauts_sont_ceux_de_chaque_execution(faux_greffon, tableau_partenaires: Path) -> None:
    """Deux vérifications avec les mêmes greffons : chacune rend ses défauts, sans cumul."""
    from cdv_regles.verification import preparer, verifier_avec

    faux_greffon("controle")
    greffons, catalogue = preparer(2023)
    from cdv_regles.lecture import lire_table

    brute = lire_table(tableau_partenaires)
    premiers = verifier_avec(brute, greffons, catalogue, dt.date(2023, 3, 1)).defauts
    seconds = verifier_avec(brute, greffons, catalogue, dt.date(2023, 3, 1)).defauts
    assert [str(d) for d in premiers] == [str(d) for d in seconds]
    assert len([d for d in seconds if d.greffon == "faux"]) == 1
    assert greffons.defauts == []


def test_le_defaut_d_un_fichier_casse_donne_le_fichier_et_la_raison(faux_greffon) -> None:
    faux_greffon("regle-invalide")
    r = invoquer("plugins", "--format", "json")
    defauts = json.loads(r.stdout)["defauts"]
    assert len(defauts) == 1
    assert "faux_regle_invalide.yaml" in defauts[0] and "FAUX-1" in defauts[0] and "gravité « grave »" in defauts[0]


# --- Région : enveloppe SREI datée -------------------------------------------------------------------

def test_enveloppe_srei_de_la_region_seulement_2017_2021(environnement_2023, classeur) -> None:
    from cdv_regles.verification import verifier_fichier

    _, catalogue = environnement_2023
    enveloppe = catalogue.parametres.tous["enveloppe_region"]
    assert enveloppe.partenaire == "region-hdf"
    assert [enveloppe.valeur(a) for a in (2016, 2017, 2021, 2022, 2023)] == [None, 148275, 148275, None, None]
    # 2023 : des demandes à la Région au-delà de 148 275 € ne sont pas comparées à l'enveloppe SREI.
    gros = classeur([{"numero_dossier": f"R{i}", "orientation": "1", "cout_total": "100 000",
                      "montant_etat": None, "montant_cavm": None, "piece_courrier_president": "Non",
                      "montant_region": "90 000", "fonds_propres": "10 000"} for i in range(2)])
    r = verifier_fichier(gros, millesime=2023, date_reference=dt.date(2023, 3, 1))
    assert not [c for c in r.constats if c.regle == "BUD-ENVELOPPE"]
    assert not [c for c in r.constats if c.partenaire == "region-hdf"]


# --- État : priorités 2023 (contrôle Python) et synthèse ---------------------------------------------

def constats_etat(environnement_2023, lignes: list[dict[str, Any]], **surcharges: Any) -> tuple[list, Any]:
    from cdv_regles.exemples import table_exemple
    from cdv_regles.verification import verifier_avec

    greffons, catalogue = environnement_2023
    catalogue = replace(catalogue, surcharges=surcharges)
    avant = list(greffons.defauts)
    resultat = verifier_avec(table_exemple({"lignes": lignes}, catalogue), greffons, catalogue,
                             dt.date(2023, 3, 1))
    assert greffons.defauts == avant  # les défauts d'une exécution restent dans son résultat
    return [c for c in resultat.constats if c.regle == "ETAT-PRIORITES-2023"], resultat


@pytest.mark.parametrize(("cellules", "themes"), [
    ({"intitule": "Éveil musical des 0-6 ans"}, ["0-6 ans"]),
    ({"intitule": "Soutien à la PARENTALITÉ"}, ["parentalité"]),
    ({"public_prioritaire": "Jeunes en souffrance psychique"}, ["santé mentale"]),
    ({"objectif_operationnel": "Pratique sportive régulière des filles"}, ["sport"]),
    ({"intitule": "Jardin partagé et biodiversité"}, ["transition écologique"]),
    ({"intitule": "Club de foot", "public_prioritaire": "Familles monoparentales",
      "objectif_operationnel": "Santé mentale des parents"}, ["parentalité", "santé mentale"]),
    ({"intitule": "Transport solidaire vers l'emploi"}, []),   # « sport » n'est pas dans « transport »
    ({"intitule": "Café des parents"}, []),   # « parents » n'est pas « parentalité »
    ({"objectif_operationnel": "Connaître l'environnement économique du territoire"}, []),
    ({"intitule": "Ateliers de création d'activité", "public_prioritaire": "Femmes sans mode de garde"},
     ["création d'activité (orientation 1)", "emploi des femmes et modes de garde (orientation 1)"]),
    ({"intitule": "Lutte contre l'illettrisme"}, ["illettrisme (orientation 1)"]),
    ({"intitule": "Action exemple"}, []),
])
def test_priorites_2023_de_l_etat(environnement_2023, cellules: dict[str, str], themes: list[str]) -> None:
    constats, _ = constats_etat(environnement_2023, [{"numero_dossier": "E1", **cellules}])
    if not themes:
        assert constats == []
        return
    (c,) = constats
    assert (c.partenaire, c.gravite, c.famille, c.dossier) == ("etat", "info", "priorites", "E1")
    # Un repérage par mots-clés est une suggestion, et le message le dit ; la source suit.
    assert c.message.startswith("Suggestion : ") and "à confirmer" in c.message
    assert c.source.startswith("NC2023")
    for theme in themes:
        assert theme in c.message
    assert set(c.colonnes) <= set(cellules)
    assert c.entetes  # les colonnes en cause sont nommées par leur en-tête


def test_priorites_de_l_etat_seulement_si_l_etat_est_sollicite(environnement_2023) -> None:
    constats, _ = constats_etat(environnement_2023, [
        {"numero_dossier": "SANS", "intitule": "Parentalité", "montant_etat": None, "fonds_propres": "15 000"},
        {"numero_dossier": "REFUS", "intitule": "Parentalité", "statut": "Refusé"},
        {"numero_dossier": "OUI", "intitule": "Parentalité"},
    ])
    assert [c.dossier for c in constats] == ["OUI"]


def test_priorites_de_l_etat_sans_parametre_pour_le_millesime(environnement_2023) -> None:
    constats, resultat = constats_etat(environnement_2023, [{"intitule": "Parentalité"}], etat_priorites=None)
    assert constats == [] and resultat.defauts == []


def test_parametre_de_priorites_mal_forme_est_un_defaut_du_greffon_etat(environnement_2023) -> None:
    constats, resultat = constats_etat(environnement_2023, [{"intitule": "Parentalité", "piece_cerfa": "Non"}],
                                       etat_priorites=["sport", "parentalité"])
    assert constats == []
    assert [d.greffon for d in resultat.defauts] == ["etat"]
    assert "etat_priorites" in resultat.defauts[0].message
    assert [c.regle for c in resultat.constats if c.partenaire == "socle"] == ["PIE-CERFA"]  # le reste a tourné


def test_synthese_de_l_etat_part_de_l_orientation_1(environnement_2023) -> None:
    greffons, catalogue = environnement_2023
    _, resultat = constats_etat(environnement_2023, [
        {"numero_dossier": "O1", "orientation": "1", "intitule": "Sport et emploi"},            # 8 000
        {"numero_dossier": "O2", "montant_etat": "2 000", "fonds_propres": "13 000"},          # 2 000
        {"numero_dossier": "RF", "orientation": "1", "statut": "Refusé"},                       # exclu
        {"numero_dossier": "NS", "montant_etat": None, "fonds_propres": "15 000"},            # exclu
    ])
    defauts: list = []
    appels = greffons.appeler("cdv_regles_synthese", defauts, tableau=resultat.cadre, constats=resultat.constats,
                              contexte=catalogue.contexte(dt.date(2023, 3, 1)))
    assert defauts == []
    (etat,) = [v for g, v in appels if g.nom == "etat"]
    (contenu,) = etat.values()
    assert contenu["dossiers"] == 2
    assert contenu["montant_demande"] == 10_000
    assert contenu["montant_orientation_1"] == 8_000
    assert contenu["part_orientation_1"] == pytest.approx(0.8)
    assert contenu["dossiers_priorites"] == 1
    assert contenu["priorites"] == [{"priorite": "sport", "dossiers": 1}]
    assert [(o["orientation"][:1], o["montant"]) for o in contenu["par_orientation"]] == [("1", 8000), ("2", 2000)]
