"""Millésimes : refus de ce qui n'existe pas, règles et paramètres datés, ouverture d'un nouveau
millésime, en-têtes neutres, géographie 2024.

Le millésime 2024 de ``tests/millesime_fictif/`` est FICTIF (les valeurs 2023 décalées d'un an,
aucune vraie règle 2024) : il prouve que tout change avec le millésime.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from tableaux import ecrire_xlsx

from cdv_regles.cli import cdv_regles

RACINE = Path(__file__).resolve().parents[1]
FICTIF = Path(__file__).resolve().parent / "millesime_fictif"
EXEMPLE = RACINE / "classeurs" / "exemple-programmation-2023.xlsx"
REFUS = [("--millesime", "2022"), ("--millesime", "2024"), ("--date", "2026-11-30")]


def invoquer(*args: str | Path) -> Any:
    return CliRunner().invoke(cdv_regles, [str(a) for a in args])


@pytest.fixture
def fictif(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CDV_REGLES_PARAMETRES", str(FICTIF))
    return FICTIF


def table(millesime: int, lignes: list[dict[str, Any]], chemin: Path, **exemple: Any) -> Path:
    """Un .xlsx du millésime : le dossier type (dates décalées) et ses variantes."""
    from cdv_regles.exemples import table_exemple
    from cdv_regles.verification import preparer

    _, catalogue = preparer(millesime)
    return ecrire_xlsx(table_exemple({"lignes": lignes, **exemple}, catalogue), chemin)


def constats(chemin: Path, *options: str) -> tuple[int, dict[str, Any]]:
    r = invoquer("verifier", chemin, "--format", "json", *options)
    assert r.exit_code in (0, 1), r.output
    return r.exit_code, json.loads(r.stdout)


def _refus_clair(r: Any, *, date: bool = False) -> None:
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    assert "millésimes disponibles : 2023" in r.stderr
    assert "cdv-regles millesime nouveau" in r.stderr
    if date:
        assert "aucun millésime ne couvre la date de référence 30/11/2026" in r.stderr


# --- 1. Refuser ce qui n'existe pas -------------------------------------------------------

COMMANDES = ["verifier", "verifier-junit", "verifier-github", "verifier-markdown", "synthese", "exporter",
             "plugins", "classeur"]


# « classeur nouveau » n'a que --millesime (obligatoire) : pas de cas --date.
@pytest.mark.parametrize(("commande", "option"), [
    pytest.param(c, o, id=f"{c}-{o[1]}") for c in COMMANDES for o in REFUS
    if not (c == "classeur" and o[0] == "--date")])
def test_refus_dans_chaque_commande(commande: str, option: tuple[str, str], tmp_path: Path) -> None:
    sortie = tmp_path / "sortie"
    if commande.startswith("verifier"):
        fmt = commande.partition("-")[2] or "texte"
        args = ["verifier", EXEMPLE, "--format", fmt, "--sortie", sortie]
    elif commande == "synthese":
        args = ["synthese", EXEMPLE, "--sortie", tmp_path / "s.html"]
    elif commande == "exporter":
        args = ["exporter", "scdl", EXEMPLE, "--sortie", tmp_path / "s.csv"]
    elif commande == "plugins":
        args = ["plugins"]
    else:
        args = ["classeur", "nouveau", "--sortie", tmp_path / "c.xlsm"]
    r = invoquer(*args, *option)
    _refus_clair(r, date=option[0] == "--date")
    assert list(tmp_path.iterdir()) == []  # rien d'écrit, jamais « en règle »


def test_date_seule_choisit_le_millesime_qui_la_couvre() -> None:
    statut, rapport = constats(EXEMPLE, "--date", "2023-03-01")
    assert statut == 1 and rapport["resume"]["millesime"] == 2023
    # Aujourd'hui (sans --date) : aucun millésime ne couvre 2026, refus plutôt que les règles 2023.
    if dt.date.today() > dt.date(2023, 12, 30):
        r = invoquer("verifier", EXEMPLE)
        assert r.exit_code == 2 and "aucun millésime ne couvre la date de référence" in r.stderr


def test_le_bouton_refuse_un_millesime_sans_regles() -> None:
    from test_classeur_verifier import classeur_de_test, dossiers_exemple

    from cdv_regles.classeur.controle import verifier

    date_ref, dossiers = dossiers_exemple()
    book = classeur_de_test(dossiers, millesime=2024)
    resume = verifier(book, date_reference=date_ref)
    message = book.app.alertes[-1]["prompt"]
    assert resume == {"erreur": message}
    assert "pas de règles pour le millésime 2024" in message and "cdv-regles millesime nouveau 2024" in message
    assert "Traceback" not in message
    # Sans millésime dans le classeur : celui de la date, ou le même refus.
    book = classeur_de_test(dossiers, millesime=None)
    resume = verifier(book, date_reference=dt.date(2026, 11, 30))
    assert "aucun millésime ne couvre la date de référence 30/11/2026" in resume["erreur"]


# --- 2. Règles et paramètres datés --------------------------------------------------------

def test_une_date_limite_2023_ne_vaut_pas_pour_2024() -> None:
    from cdv_regles.catalogue import charger_parametres
    from cdv_regles.greffons import charger

    p = charger_parametres(charger())
    for nom in ("limite_note_intention", "limite_dossier_definitif", "limite_bilan_precedent",
                "fin_contrat_de_ville", "region_orientations", "caf_orientations"):
        assert p.tous[nom].defini(2023) and not p.tous[nom].defini(2024), nom
    # Ce qui dure (seuils, colonnes du tableau, protocole 2019) continue.
    for nom in ("tolerance_equilibre", "colonnes_financement", "criteres_marqueur_1"):
        assert p.tous[nom].valeur(2024) == p.tous[nom].valeur(2023) is not None, nom
    assert p.tous["referentiel_qpv"].valeur(2023) == "qpv_2015"
    assert p.tous["referentiel_qpv"].valeur(2024) == "qpv_2024"


def test_une_regle_ne_s_applique_que_la_ou_ses_parametres_existent(tmp_path: Path) -> None:
    from cdv_regles.catalogue import construire
    from cdv_regles.greffons import charger
    from cdv_regles.moteur import compiler

    greffons = charger()
    cat = construire(greffons, 2024)  # sans le dossier fictif : rien pour 2024 (construit de force)
    regle = next(r for r in cat.regles if r.id == "ECH-NOTE-INTENTION")
    assert compiler(regle, cat, dt.date(2024, 3, 1)) is None  # ignorée, pas évaluée avec 2022
    cat23 = construire(greffons, 2023)
    regle = next(r for r in cat23.regles if r.id == "ECH-NOTE-INTENTION")
    assert compiler(regle, cat23, dt.date(2023, 3, 1)) is not None


def test_en_vigueur_borne_une_regle(tmp_path: Path) -> None:
    from cdv_regles.regle import lire_fichier_regles

    chemin = tmp_path / "r.yaml"
    chemin.write_text("""
famille: pieces
source: {document: NC2023, section: x}
en_vigueur: {depuis: 2023}
regles:
  - id: PIE-A
    gravite: alerte
    exiger: "oui(piece_cv)"
    message: "m"
  - id: PIE-B
    gravite: alerte
    en_vigueur: {jusqu_a: 2024}
    exiger: "oui(piece_cv)"
    message: "m"
""", encoding="utf-8")
    a, b = lire_fichier_regles(chemin, "socle", {})
    assert [a.en_vigueur.couvre(m) for m in (2022, 2023, 2030)] == [False, True, True]
    assert [b.en_vigueur.couvre(m) for m in (2022, 2023, 2024, 2025)] == [False, True, True, False]
    chemin.write_text(chemin.read_text(encoding="utf-8").replace("{jusqu_a: 2024}", "{jusqu_a: 2020}"),
                      encoding="utf-8")
    from cdv_regles.erreurs import RegleInvalide

    with pytest.raises(RegleInvalide, match=r"jusqu_a \(2020\) avant depuis \(2023\)"):
        lire_fichier_regles(chemin, "socle", {})


# --- Le millésime fictif 2024 : tout change avec le millésime -----------------------------

def test_fictif_2024_existe_et_couvre_ses_dates(fictif: Path) -> None:
    r = invoquer("plugins", "--format", "json", "--millesime", "2024")
    assert r.exit_code == 0 and json.loads(r.stdout)["millesime"] == 2024
    # L'automne 2023 : bilans 2023 et appel 2024 se chevauchent, on prépare 2024.
    assert json.loads(invoquer("plugins", "--format", "json", "--date", "2023-10-01").stdout)["millesime"] == 2024
    assert json.loads(invoquer("plugins", "--format", "json", "--date", "2023-03-01").stdout)["millesime"] == 2023
    _refus = invoquer("plugins", "--date", "2026-11-30")
    assert _refus.exit_code == 2 and "2024 : du 05/07/2023 au 30/12/2024" in _refus.stderr


def test_fictif_2024_parametres_et_messages(fictif: Path, tmp_path: Path) -> None:
    chemin = table(2024, [{"date_note_intention": "20/09/2023", "action_reconduite": "Oui",
                           "piece_bilan_intermediaire": "Non", "date_bilan_precedent": "10/02/2024"}],
                   tmp_path / "t2024.xlsx")
    _, rapport = constats(chemin, "--millesime", "2024", "--date", "2024-03-01")
    par_regle = {c["regle"]: c["message"] for c in rapport["constats"]}
    assert "après la date limite du 16/09/2023" in par_regle["ECH-NOTE-INTENTION"]
    assert "bilan définitif 2023" in par_regle["ECH-BILAN-TARDIF"]
    assert "31/01/2024" in par_regle["ECH-BILAN-TARDIF"]
    assert "bilan intermédiaire 2023" in par_regle["PIE-BILAN-INTERMEDIAIRE"]
    assert "2022" not in " ".join(par_regle.values())


def test_fictif_2024_geographie_prioritaire(fictif: Path, tmp_path: Path) -> None:
    lignes = [{"numero_dossier": "A", "communes": "Saint-Saulve", "qpv": "La Pépinière"},
              {"numero_dossier": "B", "communes": "Valenciennes", "qpv": "QN05930M"},
              {"numero_dossier": "C", "communes": "Condé-sur-l'Escaut", "qpv": "Lecocq"},
              {"numero_dossier": "D", "communes": "Quiévrechain", "qpv": "Centre-Ville"}]
    qpv = {}
    for m in (2023, 2024):
        _, rapport = constats(table(m, lignes, tmp_path / f"q{m}.xlsx"), "--millesime", str(m),
                              "--date", f"{m}-03-01")
        qpv[m] = {c["dossier"]: c["message"] for c in rapport["constats"] if c["regle"] == "SCH-QPV"}
    assert sorted(qpv[2023]) == ["B"]  # un code QN n'existe pas en 2023
    assert sorted(qpv[2024]) == ["A", "C"]  # deux noms 2015 ; « Centre-Ville » de Quiévrechain vaut encore
    assert "géographie prioritaire 2015" in qpv[2024]["A"] and "décret 2023-1314" in qpv[2024]["A"]
    assert "« La Pépinière » → QN05929M (La Pépinière-De Gaulle)" in qpv[2024]["A"]
    assert "pas de correspondance connue" in qpv[2024]["C"]


def test_fictif_2024_entetes_de_l_annee_precedente(fictif: Path, tmp_path: Path) -> None:
    import openpyxl

    chemin = table(2024, [{"action_reconduite": "Oui", "piece_bilan_intermediaire": "Oui",
                           "date_bilan_precedent": "15/01/2024"}], tmp_path / "e.xlsx")
    wb = openpyxl.load_workbook(chemin)
    entetes = [c.value for c in wb.active[1]]
    assert "Bilan intermédiaire 2023" in entetes and "Date de transmission du bilan 2023" in entetes
    _, rapport = constats(chemin, "--millesime", "2024", "--date", "2024-03-01")
    assert not {c["regle"] for c in rapport["constats"]} & {"PIE-BILAN-INTERMEDIAIRE", "ECH-BILAN-TARDIF"}
    # « N-1 » écrit tel quel est lu aussi ; l'en-tête 2022 dans un tableau 2024 est signalé.
    ws = wb.active
    for cellule in ws[1]:
        if cellule.value == "Bilan intermédiaire 2023":
            cellule.value = "Bilan intermédiaire N-1"
        elif cellule.value == "Date de transmission du bilan 2023":
            cellule.value = "Date de transmission du bilan 2022"
    wb.save(chemin)
    _, rapport = constats(chemin, "--millesime", "2024", "--date", "2024-03-01")
    regles = {c["regle"]: c["message"] for c in rapport["constats"]}
    assert "PIE-BILAN-INTERMEDIAIRE" not in regles
    assert "Date de transmission du bilan 2022 (en-tête d'une autre année : ce millésime attend « Date de " \
           "transmission du bilan 2023 »)" in regles["SCH-COLONNE-INCONNUE"]


def test_fictif_2024_le_classeur_prend_la_geographie_du_parametre(fictif: Path, tmp_path: Path) -> None:
    from cdv_regles.classeur.commande import _generer

    listes = {}
    for m in (2023, 2024):
        chemin, _ = _generer(m, tmp_path / f"p{m}.xlsm", False)
        import openpyxl

        wb = openpyxl.load_workbook(chemin, keep_vba=False)
        listes[m] = set(wb.defined_names)
    assert "liste_qpv_2015" in listes[2023] and "liste_qpv_2024" not in listes[2023]
    assert "liste_qpv_2024" in listes[2024] and "liste_qpv_2015" not in listes[2024]


def test_fictif_2024_les_exemples_de_chaque_regle_tournent(fictif: Path) -> None:
    """Le greffon pytest fait tourner chaque exemple pour chaque millésime où sa règle est en
    vigueur : ici 2023 et le fictif 2024 (dates décalées d'un an)."""
    env = {**os.environ, "CDV_REGLES_PARAMETRES": str(fictif)}
    p = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "regles", "plugins",
                        "-k", "::2024::"], cwd=RACINE, env=env, capture_output=True, text=True, timeout=1500)
    assert p.returncode == 0, p.stdout[-3000:]
    passes = int(re.search(r"(\d+) passed", p.stdout)[1])
    assert passes > 150 and "failed" not in p.stdout


# --- 3. Ouvrir un millésime --------------------------------------------------------------

def _remplir(dossier: Path, decalage: int, **remplacements: Any) -> None:
    """Ce que ferait la personne qui lit la note de cadrage : chaque « à renseigner » reçoit une
    valeur (ici la précédente décalée) et sa source."""
    for f in dossier.glob("*.yaml"):
        d = yaml.safe_load(f.read_text(encoding="utf-8"))
        for nom, p in d["parametres"].items():
            v = p["precedent"]
            if isinstance(v, dt.date):
                v = v.replace(year=v.year + decalage)
            p["valeur"] = remplacements.get(nom, v)
            p["source"] = {"document": "Note de cadrage 2027 (test)", "section": "Calendrier"}
        f.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_ouvrir_2027_refuse_avant_d_etre_rempli_puis_tourne(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dossier = tmp_path / "parametres"
    r = invoquer("millesime", "nouveau", "2027", "--dossier", dossier)
    assert r.exit_code == 0, r.output
    assert f"CDV_REGLES_PARAMETRES={dossier}" in r.stdout
    fichiers = sorted(p.name for p in (dossier / "2027").iterdir())
    assert "socle.yaml" in fichiers and "region-hdf.yaml" in fichiers and "caf-nord.yaml" in fichiers
    socle = (dossier / "2027" / "socle.yaml").read_text(encoding="utf-8")
    for nom in ("ouverture_appel", "fin_bilans", "limite_note_intention", "limite_dossier_definitif",
                "limite_bilan_precedent", "fin_contrat_de_ville", "financeurs"):
        assert f"\n  {nom}:\n" in socle
    # Les colonnes des financeurs viennent de la liste « financeurs » : rien d'autre à renseigner.
    assert "colonnes_financeurs_cdv" not in socle
    assert "valeur: à renseigner" in socle and "precedent: 2022-09-16" in socle
    assert "tolerance_equilibre" not in socle  # ce qui dure n'est pas à renseigner

    # Jamais sur un millésime existant (ni 2023, ni 2027 déjà ouvert) ; rien n'est modifié.
    avant = {p: p.read_bytes() for p in (dossier / "2027").iterdir()}
    monkeypatch.setenv("CDV_REGLES_PARAMETRES", str(dossier))
    for annee in ("2027", "2023"):
        r = invoquer("millesime", "nouveau", annee, "--dossier", dossier)
        assert r.exit_code == 2 and "existe déjà" in r.stderr, r.output
    assert {p: p.read_bytes() for p in (dossier / "2027").iterdir()} == avant

    # Tant qu'une valeur est « à renseigner » : refus qui nomme chaque valeur et son fichier.
    r = invoquer("plugins", "--millesime", "2027")
    assert r.exit_code == 2
    assert "le millésime 2027 n'est pas prêt" in r.stderr
    assert f"limite_note_intention (valeur) dans {dossier / '2027' / 'socle.yaml'}" in r.stderr
    assert f"region_ete_debut (source) dans {dossier / '2027' / 'region-hdf.yaml'}" in r.stderr
    assert invoquer("verifier", EXEMPLE, "--date", "2027-03-01").exit_code == 2  # pas de fenêtre encore

    # Une valeur du mauvais type : le type attendu et le type vu.
    _remplir(dossier / "2027", 4, limite_note_intention="le 17 septembre")
    r = invoquer("plugins", "--millesime", "2027")
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "« limite_note_intention » attend une date (AAAA-MM-JJ ou JJ/MM/AAAA), vu un texte" in r.stderr

    # Rempli (une date écrite à la française est comprise) : le millésime 2027 tourne.
    _remplir(dossier / "2027", 4, limite_note_intention="16/09/2026")
    chemin = table(2027, [{}, {"numero_dossier": "2027-EX-2", "date_note_intention": "20/09/2026"}],
                   tmp_path / "t2027.xlsx")
    _, rapport = constats(chemin, "--date", "2027-03-01")
    assert rapport["resume"]["millesime"] == 2027
    refus = [c for c in rapport["constats"] if c["gravite"] == "bloquant"]
    assert [(c["dossier"], c["regle"]) for c in refus] == [("2027-EX-2", "ECH-NOTE-INTENTION")]
    assert "16/09/2026" in refus[0]["message"]


def test_un_greffon_peut_ne_rien_renouveler(tmp_path: Path) -> None:
    from cdv_regles.parametres import Parametres, a_renouveler

    chemin = tmp_path / "p.yaml"
    chemin.write_text("""
limite: {valeurs: {2023: 2022-09-16}}
seuil: {valeurs: {2023-: 3}}
enveloppe: {renouveler: true, valeurs: {2017-2021: 100}}
""", encoding="utf-8")
    p = Parametres()
    p.ajouter_fichier(chemin, "x")
    assert a_renouveler(p.tous, 2027, 2023) == ["limite", "enveloppe"]


# --- 14.7 : un paramètre du mauvais type -------------------------------------------------

def test_parametre_du_mauvais_type_dit_le_type_et_pas_nom_inconnu(tmp_path: Path) -> None:
    from cdv_regles.erreurs import RegleInvalide
    from cdv_regles.expressions import Compilateur, ExpressionInvalide, Portee
    from cdv_regles.parametres import Parametres

    chemin = tmp_path / "parametres.yaml"
    chemin.write_text("""
x_limite: {type: date, valeurs: {2023: "le 16 septembre"}}
x_seuil: {type: nombre, valeurs: {2023-: "beaucoup"}}
x_bon: {valeurs: {2023: 2022-09-16}}
""", encoding="utf-8")
    p = Parametres()
    with pytest.raises(RegleInvalide) as e:
        p.ajouter_fichier(chemin, "x")
    assert "« x_limite » attend une date (AAAA-MM-JJ ou JJ/MM/AAAA), vu un texte" in e.value.message
    assert "« x_seuil » attend un nombre, vu un texte" in e.value.message
    assert "x_bon" in p.tous  # les autres paramètres du fichier restent valables
    portee = Portee(colonnes={}, entetes={}, parametres=p.pour(2023), types_parametres={}, referentiels={},
                    date_reference=dt.date(2023, 3, 1))
    with pytest.raises(ExpressionInvalide) as e2:
        Compilateur(portee).compiler("date_reference > x_limite")
    assert "nom inconnu" not in str(e2.value)
    assert "le paramètre « x_limite » est refusé" in str(e2.value) and "attend une date" in str(e2.value)


# --- 2. Les listes que le contrat change sont datées ---------------------------------------

LISTES_DATEES = ("orientations", "dispositifs", "financeurs")
FICTIF_2024 = "Dispositif fictif 2024 (tests)"


def test_les_listes_du_contrat_sont_des_parametres_dates() -> None:
    """Sans le dossier fictif : les listes valent pour 2023 (NC2023), pour aucun autre millésime."""
    from cdv_regles.parametres import parametres_du_socle, referentiels_du_millesime

    p = parametres_du_socle()
    for nom in LISTES_DATEES:
        assert p.tous[nom].type == "referentiel" and p.tous[nom].source["document"] == "NC2023", nom
        assert p.tous[nom].defini(2023) and not p.tous[nom].defini(2024), nom
    assert [x.nom for x in p.listes_absentes(2024)] == sorted(LISTES_DATEES)
    assert not p.listes_absentes(2023)
    refs23, refs24 = referentiels_du_millesime(2023, p), referentiels_du_millesime(2024, p)
    assert refs23["dispositifs"].officiel("pre") == "PRE (Programme de réussite éducative)"  # alias de l'élément
    assert len(refs23["financeurs"].details) == 7
    assert not set(LISTES_DATEES) & set(refs24.tous)  # jamais la liste de 2023 pour 2024
    assert {"types_porteur", "echelles", "statuts"} <= set(refs24.tous)  # celles du tableau durent


def _dispositifs(m: int, tmp_path: Path) -> dict[str, str]:
    lignes = [{"numero_dossier": "A", "dispositif": "Adultes-relais"},
              {"numero_dossier": "B", "dispositif": FICTIF_2024},
              {"numero_dossier": "C", "dispositif": "df24"},
              {"numero_dossier": "D", "dispositif": "VVV"}]
    _, rapport = constats(table(m, lignes, tmp_path / f"d{m}.xlsx"), "--millesime", str(m), "--date", f"{m}-03-01")
    return {c["dossier"]: c["message"] for c in rapport["constats"] if c["regle"] == "SCH-LISTE"}


def test_fictif_2024_les_dispositifs_sont_ceux_du_millesime(fictif: Path, tmp_path: Path) -> None:
    hors23, hors24 = _dispositifs(2023, tmp_path), _dispositifs(2024, tmp_path)
    assert sorted(hors23) == ["B", "C"]  # le dispositif fictif n'existe pas en 2023
    assert sorted(hors24) == ["A"]  # Adultes-relais n'existe plus dans la liste fictive 2024 ; DF24 est son alias
    assert "« Adultes-relais » n'est pas une valeur admise pour « Dispositif »" in hors24["A"]
    # Le message propose la liste du millésime.
    assert hors24["A"].split("Choisissez parmi : ")[1].startswith("Droit commun") and FICTIF_2024 in hors24["A"]
    assert "Adultes-relais" in hors23["B"].split("Choisissez parmi : ")[1]
    assert FICTIF_2024 not in hors23["B"].split("Choisissez parmi : ")[1]


def test_fictif_2024_le_classeur_montre_la_liste_du_millesime(fictif: Path, tmp_path: Path) -> None:
    import openpyxl

    from cdv_regles.classeur.commande import _generer

    menus = {}
    for m in (2023, 2024):
        chemin, _ = _generer(m, tmp_path / f"l{m}.xlsm", False)
        wb = openpyxl.load_workbook(chemin, keep_vba=False)
        feuille, plage = next(iter(wb.defined_names["liste_dispositifs"].destinations))
        menus[m] = [r[0].value for r in wb[feuille][plage.replace("$", "")]]
    assert "Adultes-relais" in menus[2023] and FICTIF_2024 not in menus[2023]
    assert FICTIF_2024 in menus[2024] and "Adultes-relais" not in menus[2024]


def _sans_liste(tmp_path: Path, nom: str) -> Path:
    """Le millésime fictif, sans une de ses listes (la personne a oublié de la renseigner)."""
    import shutil

    dossier = tmp_path / "parametres"
    shutil.copytree(FICTIF, dossier)
    socle = dossier / "2024" / "socle.yaml"
    d = yaml.safe_load(socle.read_text(encoding="utf-8"))
    del d["parametres"][nom]
    socle.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dossier


@pytest.mark.parametrize("commande", ["verifier", "synthese", "exporter", "plugins", "classeur"])
def test_un_millesime_sans_sa_liste_est_refuse(commande: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from cdv_regles.chemins import dossier_regles

    dossier = _sans_liste(tmp_path, "dispositifs")
    monkeypatch.setenv("CDV_REGLES_PARAMETRES", str(dossier))
    args = {"verifier": ("verifier", EXEMPLE), "synthese": ("synthese", EXEMPLE, "--sortie", tmp_path / "s.html"),
            "exporter": ("exporter", "scdl", EXEMPLE, "--sortie", tmp_path / "s.csv"), "plugins": ("plugins",),
            "classeur": ("classeur", "nouveau", "--sortie", tmp_path / "c.xlsm")}[commande]
    r = invoquer(*args, "--millesime", "2024")
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    assert "le millésime 2024 n'est pas prêt" in r.stderr
    assert (f"liste « dispositifs » (Dispositifs de financement, colonne « Dispositif ») : définie dans "
            f"{dossier_regles() / 'parametres' / 'listes.yaml'} pour 2023, pas pour 2024") in r.stderr
    assert (f"pas pour 2024 ; dans {dossier / '2024' / 'socle.yaml'}, sous « parametres: », "
            "écrivez « dispositifs: ") in r.stderr
    assert "orientations" not in r.stderr  # seule la liste qui manque est nommée
    assert not (tmp_path / "c.xlsm").exists() and not (tmp_path / "s.csv").exists()


def test_le_bouton_refuse_un_millesime_sans_sa_liste(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_classeur_verifier import classeur_de_test, dossiers_exemple

    from cdv_regles.classeur.controle import verifier

    monkeypatch.setenv("CDV_REGLES_PARAMETRES", str(_sans_liste(tmp_path, "financeurs")))
    _, dossiers = dossiers_exemple()
    book = classeur_de_test(dossiers, millesime=2024)
    resume = verifier(book, date_reference=dt.date(2024, 3, 1))
    message = book.app.alertes[-1]["prompt"]
    assert resume == {"erreur": message}
    assert "le millésime 2024 n'est pas prêt" in message and "liste « financeurs » (Financeurs du Contrat" in message
    assert "Traceback" not in message


FINANCEURS_2024 = ["État (politique de la ville)", "Valenciennes Métropole", "Département du Nord",
                   "Région Hauts-de-France", "CAF du Nord", "ARS Hauts-de-France"]


def _financeur_cdv(m: int, tmp_path: Path) -> dict[str, dict[str, Any]]:
    lignes = [{"numero_dossier": "A", "montant_etat": None, "montant_cavm": None, "montant_cpam": "13 000"},
              {"numero_dossier": "B", "montant_etat": None, "montant_cavm": None, "fonds_propres": "20 000"}]
    _, rapport = constats(table(m, lignes, tmp_path / f"f{m}.xlsx"), "--millesime", str(m), "--date", f"{m}-03-01")
    return {c["dossier"]: c for c in rapport["constats"] if c["regle"] == "BUD-FINANCEUR-CDV"}


def test_fictif_2024_les_financeurs_du_contrat_sont_ceux_du_millesime(fictif: Path, tmp_path: Path) -> None:
    """BUD-FINANCEUR-CDV prend colonnes et noms des financeurs dans la liste du millésime : la
    CPAM du Hainaut, financeur en 2023, ne l'est plus dans la liste fictive 2024."""
    f23, f24 = _financeur_cdv(2023, tmp_path), _financeur_cdv(2024, tmp_path)
    assert sorted(f23) == ["B"]  # en 2023, une demande à la CPAM seule suffit
    assert sorted(f24) == ["A", "B"]  # en 2024 (fictif), la CPAM n'est plus un financeur du contrat
    noms23 = ", ".join(FINANCEURS_2024) + " et CPAM du Hainaut"
    noms24 = ", ".join(FINANCEURS_2024[:-1]) + " et ARS Hauts-de-France"
    assert f"vides ou à 0) ; ceux du millésime 2023 sont : {noms23}. Vérifiez la ligne" in f23["B"]["message"]
    for dossier in ("A", "B"):
        assert f"ceux du millésime 2024 sont : {noms24}. Vérifiez la ligne" in f24[dossier]["message"]
        assert "CPAM" not in f24[dossier]["message"]
    # Les cellules en cause : les colonnes des financeurs du millésime, dans l'ordre de la liste.
    entetes23 = f23["B"]["colonnes"]
    assert entetes23[0] == "Montant sollicité État (politique de la ville)" and len(entetes23) == 7
    assert entetes23[-1] == "Montant sollicité CPAM du Hainaut"
    assert f24["A"]["colonnes"] == entetes23[:-1]


def test_un_millesime_ouvert_avec_colonnes_financeurs_cdv_dit_quoi_faire(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Un millésime ouvert avant le retrait de colonnes_financeurs_cdv le contient encore : refusé
    (statut 2) en disant ce qui le remplace et quoi faire, pas « paramètre inconnu »."""
    import shutil

    dossier = tmp_path / "parametres"
    shutil.copytree(FICTIF, dossier)
    socle = dossier / "2024" / "socle.yaml"
    d = yaml.safe_load(socle.read_text(encoding="utf-8"))
    d["parametres"]["colonnes_financeurs_cdv"] = {"valeur": ["montant_etat"],
                                                  "source": {"document": "NC", "section": "x"}}
    socle.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("CDV_REGLES_PARAMETRES", str(dossier))
    r = invoquer("plugins", "--millesime", "2024")
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert str(socle) in r.stderr
    assert ("paramètre « colonnes_financeurs_cdv » retiré : les colonnes des financeurs du contrat viennent "
            "maintenant de la liste « financeurs » du millésime") in " ".join(r.stderr.split())
    assert "Supprimez-le de ce fichier, puis relancez." in " ".join(r.stderr.split())


def test_un_parametre_mal_orthographie_dans_un_millesime_dit_quoi_faire(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Un nom de paramètre mal tapé dans un millésime de l'utilisateur : refusé (statut 2) avec le
    nom proche et ce qu'il faut faire."""
    import shutil

    dossier = tmp_path / "parametres"
    shutil.copytree(FICTIF, dossier)
    socle = dossier / "2024" / "socle.yaml"
    d = yaml.safe_load(socle.read_text(encoding="utf-8"))
    d["parametres"]["fin_contrat_de_vile"] = {"valeur": "2030-12-31", "source": {"document": "NC", "section": "x"}}
    socle.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("CDV_REGLES_PARAMETRES", str(dossier))
    r = invoquer("plugins", "--millesime", "2024")
    assert r.exit_code == 2 and "Traceback" not in r.output
    texte = " ".join(r.stderr.split())
    assert str(socle) in r.stderr and "paramètre « fin_contrat_de_vile » inconnu" in texte
    assert "vouliez-vous dire « fin_contrat_de_ville » ?" in texte and "puis relancez." in texte


def test_ouvrir_2027_propose_les_listes_a_renseigner(tmp_path: Path) -> None:
    """Les listes du contrat se renseignent comme les autres paramètres : « à renseigner », avec
    la liste du millésime modèle en « precedent »."""
    dossier = tmp_path / "parametres"
    assert invoquer("millesime", "nouveau", "2027", "--dossier", dossier).exit_code == 0
    d = yaml.safe_load((dossier / "2027" / "socle.yaml").read_text(encoding="utf-8"))["parametres"]
    for nom in LISTES_DATEES:
        assert d[nom]["valeur"] == "à renseigner" and d[nom]["type"] == "liste", nom
        assert d[nom]["source"] == {"document": "à renseigner", "section": "à renseigner"}
    assert {"valeur": "PRE (Programme de réussite éducative)", "alias": ["PRE"]} in d["dispositifs"]["precedent"]
    assert d["financeurs"]["precedent"][0]["colonne"] == "montant_etat"


def test_une_liste_du_millesime_a_laquelle_manque_un_champ_est_refusee(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Un financeur sans colonne, une orientation sans numéro : refus qui nomme la liste, le
    champ et le fichier de l'utilisateur, avant toute vérification (jamais une trace)."""
    import shutil

    dossier = tmp_path / "parametres"
    shutil.copytree(FICTIF, dossier)
    socle = dossier / "2024" / "socle.yaml"
    d = yaml.safe_load(socle.read_text(encoding="utf-8"))
    del d["parametres"]["financeurs"]["valeur"][2]["colonne"]
    socle.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("CDV_REGLES_PARAMETRES", str(dossier))
    r = invoquer("verifier", EXEMPLE, "--millesime", "2023")  # même pour un autre millésime : le fichier est lu
    assert r.exit_code == 2 and "Traceback" not in r.output, r.output
    assert str(socle) in r.stderr
    assert ("la liste « financeurs » : chaque élément a les champs code (un texte), cle (un texte), nom (un texte), "
            "colonne (un texte) ; « colonne » manque") in r.stderr
    d["parametres"]["financeurs"]["valeur"][2]["colonne"] = "montant_departement"
    d["parametres"]["orientations"]["valeur"][0]["numero"] = "un"
    socle.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
    r = invoquer("plugins", "--millesime", "2024")
    assert r.exit_code == 2 and "« numero » manque ou n'est pas un nombre" in r.stderr, r.output


def test_une_liste_datee_mal_ecrite_est_refusee(tmp_path: Path) -> None:
    from cdv_regles.erreurs import RegleInvalide
    from cdv_regles.parametres import Parametres

    chemin = tmp_path / "listes.yaml"
    chemin.write_text("x_liste: {type: referentiel, valeurs: {2023: [A, [B, C]]}}\n"
                      "y_liste: {type: referentiel, valeurs: {2023: Droit commun}}\n"
                      "z_liste: {type: referentiel, valeurs: {2023: []}}\n", encoding="utf-8")
    with pytest.raises(RegleInvalide) as e:
        Parametres().ajouter_fichier(chemin, "x")
    assert "la liste « x_liste » : chaque élément est un texte, ou un dictionnaire avec « valeur »" in e.value.message
    assert "« y_liste » attend une liste [a, b], vu un texte" in e.value.message
    assert "la liste « z_liste » est vide : donnez ses valeurs" in e.value.message


def test_une_periode_en_chiffres_non_ascii_est_refusee(tmp_path: Path) -> None:
    """« ٢٠٢٣ » (chiffres arabes-indiens) n'est pas l'année 2023 : refus clair, pas une devinette."""
    from cdv_regles.erreurs import RegleInvalide
    from cdv_regles.parametres import Parametres

    chemin = tmp_path / "p.yaml"
    chemin.write_text("x: {valeurs: {\"٢٠٢٣-\": 3}}\n", encoding="utf-8")
    with pytest.raises(RegleInvalide) as e:
        Parametres().ajouter_fichier(chemin, "x")
    assert "période « ٢٠٢٣- » invalide pour « x »" in e.value.message


def test_un_entete_en_chiffres_non_ascii_n_est_pas_une_annee() -> None:
    """« Bilan intermédiaire ٢٠٢٢ » n'est pas lu comme l'en-tête 2022 (chiffres ASCII seulement)."""
    from cdv_regles.contrat import annee_autre, colonnes_du_millesime, colonnes_socle

    col = next(c for c in colonnes_du_millesime(colonnes_socle(), 2024) if c.entete == "Bilan intermédiaire 2023")
    assert annee_autre(col, "Bilan intermédiaire 2022") == 2022
    assert annee_autre(col, "Bilan intermédiaire ٢٠٢٢") is None
