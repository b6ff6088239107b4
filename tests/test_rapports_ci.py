"""Les rapports de ``cdv-regles verifier`` tels que la CI les lit : JUnit, annotations GitHub,
résumé Markdown, et les formats texte et JSON.

Les tableaux sont de petits classeurs fabriqués à partir du dossier type (fixture ``classeur``,
aux colonnes et règles du seul socle) : chaque défaut y est posé délibérément, et chaque test
vérifie ce qu'un utilisateur verrait.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from tableaux import ecrire_csv, ecrire_xlsx

from cdv_regles.cli import cdv_regles
from cdv_regles.constats import FAMILLES, Constat
from cdv_regles.rapports import FORMATS, rendre
from cdv_regles.verification import Resultat, verifier_fichier

DATE = "2023-03-01"


def autres_greffons() -> list[str]:
    from importlib import metadata

    return sorted(ep.name for ep in metadata.entry_points(group="cdv_regles") if ep.name != "socle")


@pytest.fixture(autouse=True)
def socle_seul(monkeypatch: pytest.MonkeyPatch) -> None:
    """Les formats sont vérifiés sur les seules règles communes : les greffons installés (et leurs
    constats) ne changent pas les comptes attendus ici."""
    monkeypatch.setenv("CDV_REGLES_DESACTIVER", ",".join(autres_greffons()))


@pytest.fixture(scope="module")
def catalogue_socle():
    from cdv_regles.verification import preparer

    return preparer(2023, set(autres_greffons()))[1]


@pytest.fixture
def classeur(tmp_path: Path, catalogue_socle):
    """Un .xlsx « Programmation » aux colonnes du socle : lignes partielles sur le dossier type."""

    from cdv_regles.exemples import table_exemple

    def fabriquer(lignes: list[dict], nom: str = "programmation.xlsx", **exemple: object) -> Path:
        table = table_exemple({"lignes": lignes, **exemple}, catalogue_socle)
        return ecrire_xlsx(table, tmp_path / nom)

    return fabriquer


def verifier(*args: str) -> object:
    return CliRunner().invoke(cdv_regles, ["verifier", *args, "--date", DATE, "--millesime", "2023"],
                              catch_exceptions=False)


def resultat_de(chemin: Path) -> Resultat:
    return verifier_fichier(chemin, millesime=2023, date_reference=dt.date.fromisoformat(DATE),
                            desactives=set(autres_greffons()))


@pytest.fixture
def trois_dossiers(classeur) -> Path:
    """Dossier 1 en règle ; dossier 2 : SIRET faux et cerfa manquant (bloquants) ; dossier 3 :
    QPV vide (alerte) ; plus une colonne hors contrat (info de tableau)."""
    return classeur([{}, {"siret": "123", "piece_cerfa": "Non"}, {"qpv": None}],
                    colonnes_en_plus={"Référent interne": "Mme X"})


def test_les_formats_ci_sont_proposes_par_la_cli() -> None:
    assert {"junit", "github", "markdown"} <= set(FORMATS)
    aide = CliRunner().invoke(cdv_regles, ["verifier", "--help"]).output
    for f in ("junit", "github", "markdown"):
        assert f in aide


# --- JUnit -----------------------------------------------------------------------------------

def test_junit_un_cas_par_dossier_et_famille(trois_dossiers: Path) -> None:
    r = verifier(str(trois_dossiers), "--format", "junit")
    assert r.exit_code == 1
    racine = ET.fromstring(r.stdout)
    suite = racine.find("testsuite")
    assert suite is not None and suite.get("name") == trois_dossiers.name
    cas = suite.findall("testcase")
    # 3 dossiers × 6 familles, plus le cas « Tableau ».
    assert len(cas) == 3 * len(FAMILLES) + 1
    assert suite.get("tests") == racine.get("tests") == str(len(cas))
    echecs = [c for c in cas if c.find("failure") is not None]
    assert {(c.get("classname"), c.get("name")) for c in echecs} == {
        ("Dossier 2023-EX-001-2 (ligne 3)", "schema"), ("Dossier 2023-EX-001-2 (ligne 3)", "pieces")}
    assert suite.get("failures") == "2"
    siret = next(c for c in echecs if c.get("name") == "schema").find("failure")
    assert siret.get("type") == "bloquant"
    assert "SCH-SIRET" in siret.get("message") and "« 123 »" in siret.get("message")
    assert "SCH-SIRET (cellule " in siret.text
    # La source de la règle suit le message : l'agent retrouve la phrase qui la fonde.
    assert "(source : Spécification du tableau de programmation, « Colonnes »)" in siret.text
    # Les familles sans constat sont des cas réussis, sans message.
    propre = [c for c in cas if c.get("classname") == "Dossier 2023-EX-001-1 (ligne 2)"]
    assert [c.get("name") for c in propre] == list(FAMILLES)
    assert all(len(c) == 0 for c in propre)


def test_dossier_sans_numero(classeur) -> None:
    chemin = classeur([{}, {"numero_dossier": None}])
    suite = ET.fromstring(verifier(str(chemin), "--format", "junit").stdout).find("testsuite")
    cas = suite.find("testcase[@name='schema']/failure/..")
    assert cas.get("classname") == "Dossier sans N° (ligne 3)" and "SCH-OBLIGATOIRE" in cas.find("failure").text
    github = verifier(str(chemin), "--format", "github").stdout
    assert ",line=3,title=Dossier sans N° (ligne 3) · SCH-OBLIGATOIRE::" in github


def test_junit_seuil_alerte_et_constats_de_tableau(trois_dossiers: Path) -> None:
    cas = ET.fromstring(verifier(str(trois_dossiers), "--format", "junit", "--echec-si", "alerte").stdout)
    suite = cas.find("testsuite")
    qpv = suite.find("testcase[@classname='Dossier 2023-EX-001-3 (ligne 4)'][@name='schema']")
    assert qpv.find("failure").get("type") == "alerte"
    assert suite.get("failures") == "3"
    tableau = suite.find("testcase[@name='Tableau']")
    assert tableau.find("failure") is None  # une info n'atteint jamais le seuil
    assert "« Référent interne »" in tableau.find("system-out").text
    # Au seuil bloquant, l'alerte du dossier 3 reste visible, dans un cas réussi.
    suite = ET.fromstring(verifier(str(trois_dossiers), "--format", "junit").stdout).find("testsuite")
    qpv = suite.find("testcase[@classname='Dossier 2023-EX-001-3 (ligne 4)'][@name='schema']")
    assert qpv.find("failure") is None and "SCH-QPV-VIDE" in qpv.find("system-out").text


def csv_de(tmp_path: Path, catalogue, lignes: list[dict], nom: str) -> Path:
    """Le même tableau en CSV (point-virgule, UTF-8) : il peut contenir ce qu'un .xlsx refuse."""
    from cdv_regles.exemples import table_exemple

    table = table_exemple({"lignes": lignes}, catalogue)
    return ecrire_csv(table, tmp_path / nom)


def test_junit_echappe_le_texte_du_classeur(tmp_path: Path, catalogue_socle) -> None:
    # Caractères XML et caractère de contrôle (interdit en XML 1.0) dans des cellules citées.
    chemin = csv_de(tmp_path, catalogue_socle, [{"numero_dossier": 'A&B <"1">', "siret": "12<&>\x0b3"}],
                    "prog & <co>.csv")
    r = verifier(str(chemin), "--format", "junit")
    suite = ET.fromstring(r.stdout.encode("utf-8")).find("testsuite")
    assert suite.get("name") == "prog & <co>.csv"
    echec = suite.find("testcase[@name='schema']")
    assert echec.get("classname") == 'Dossier A&B <"1"> (ligne 2)'
    # Le caractère de contrôle est montré (« ␋ ») avant même d'arriver au XML.
    assert "« 12<&>␋3 »" in echec.find("failure").get("message")


def test_junit_ecrit_par_sortie(trois_dossiers: Path, tmp_path: Path) -> None:
    rapport = tmp_path / "rapports.xml"
    r = verifier(str(trois_dossiers), "--format", "junit", "--sortie", str(rapport))
    assert r.exit_code == 1
    assert ET.parse(rapport).getroot().find("testsuite").get("failures") == "2"


# --- Annotations GitHub ----------------------------------------------------------------------

def test_github_une_annotation_par_constat(trois_dossiers: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(trois_dossiers.parent)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    r = verifier(str(trois_dossiers), "--format", "github")
    assert r.exit_code == 1
    lignes = r.stdout.splitlines()
    resultat = resultat_de(trois_dossiers)
    siret = next(c for c in resultat.constats if c.regle == "SCH-SIRET")
    attendu = (f"::error file={trois_dossiers.name},line=3,title=Dossier 2023-EX-001-2 · SCH-SIRET::"
               f"{siret.message} (cellule {resultat.cellules(siret)[0]})%0ASource : {siret.source}")
    assert siret.source.startswith("Spécification du tableau de programmation")
    assert attendu in lignes
    assert sum(x.startswith("::error ") for x in lignes) == 2
    assert [x for x in lignes if x.startswith("::warning ")] == [
        f"::warning file={trois_dossiers.name},line=4,title=Dossier 2023-EX-001-3 · SCH-QPV-VIDE::"
        + next(c.message for c in resultat.constats if c.regle == "SCH-QPV-VIDE") + " (cellule J4)"
        + "%0ASource : " + next(c.source for c in resultat.constats if c.regle == "SCH-QPV-VIDE")]
    # Le constat de tableau n'a pas de ligne.
    assert any(x.startswith(f"::notice file={trois_dossiers.name},title=Tableau · SCH-COLONNE-INCONNUE::")
               for x in lignes)
    assert lignes[-1].startswith("3 dossier(s) vérifié(s), 4 constat(s)")


def test_github_echappement_selon_la_doc(trois_dossiers: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    resultat = resultat_de(trois_dossiers)
    constat = Constat("2023:A,1", 3, "CAF-TAUX", "budget", "alerte", "caf", ("siret",),
                      "Taux 80 % : trop haut,\nréduisez-le\r", ("SIRET",))
    tableau = replace(resultat.tableau, chemin=str(tmp_path / "prog,2023:v1.xlsx"))
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    sortie = rendre("github", replace(resultat, constats=[constat], tableau=tableau))
    assert sortie.splitlines()[0] == (
        "::warning file=prog%2C2023%3Av1.xlsx,line=3,title=Dossier 2023%3AA%2C1 · CAF-TAUX [caf]::"
        "Taux 80 %25 : trop haut,%0Aréduisez-le%0D (cellule D3)")


def test_github_chemin_hors_depot_garde_tel_quel(trois_dossiers: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    depot = tmp_path / "ailleurs"
    depot.mkdir()
    monkeypatch.setenv("GITHUB_WORKSPACE", str(depot))
    sortie = rendre("github", resultat_de(trois_dossiers))
    assert f"file={str(trois_dossiers).replace(':', '%3A').replace(',', '%2C')},line=3," in sortie


# --- Markdown --------------------------------------------------------------------------------

def cellules_de(ligne: str) -> list[str]:
    """Les cellules d'une ligne de tableau Markdown (les « \\| » échappés ne séparent pas)."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", ligne.strip())[1:-1]]


def test_markdown_comptes_et_tableau(trois_dossiers: Path) -> None:
    r = verifier(str(trois_dossiers), "--format", "markdown")
    md = r.stdout
    assert md.startswith(f"## Tableau de programmation : {trois_dossiers.name}")
    assert "❌ **2 constats bloquants**" in md
    assert "3 dossiers vérifiés, feuille Programmation, 2 avec constats — 2 bloquants, 1 alerte, 1 info" in md
    lignes = md.splitlines()
    assert "| Famille | Bloquant | Alerte | Info | Total |" in lignes
    assert "| pieces | 1 | 0 | 0 | 1 |" in lignes
    assert "| schema | 1 | 1 | 1 | 3 |" in lignes
    assert "| socle | 2 | 1 | 1 | 4 |" in lignes
    # Tableau des bloquants et alertes : 3 lignes ; l'info est repliée dans <details>.
    debut = lignes.index("### Constats bloquants et alertes")
    table = [x for x in lignes[debut + 4: lignes.index("<details>")] if x.startswith("|")]
    assert len(table) == 3
    assert cellules_de(table[0])[:5] == ["🔴 Bloquant", "2023-EX-001-2", "3", "AM3", "PIE-CERFA"]
    assert cellules_de(table[0])[7] == "NC2023, « Étape 3 : dépôt du cerfa définitif »"
    details = md[md.index("<details>"):]
    assert "<summary>1 constat d'information</summary>" in details and "SCH-COLONNE-INCONNUE" in details
    assert details.rstrip().endswith("</details>")


def test_markdown_echappe_et_verdicts(classeur) -> None:
    # Une barre verticale et du HTML dans une cellule ne cassent pas le tableau.
    chemin = classeur([{"numero_dossier": "A|<b>1</b>", "siret": "1|2"}])
    md = verifier(str(chemin), "--format", "markdown").stdout
    ligne = next(x for x in md.splitlines() if "SCH-SIRET" in x)
    assert len(cellules_de(ligne)) == 8
    assert cellules_de(ligne)[1] == "A\\|&lt;b&gt;1&lt;/b&gt;"
    assert "<b>" not in md
    en_regle = verifier(str(classeur([{}], nom="propre.xlsx")), "--format", "markdown").stdout
    assert "✅ **Aucun constat** : le tableau est en règle." in en_regle
    assert "### Constats" not in en_regle and "<details>" not in en_regle
    alerte = classeur([{"qpv": None}], nom="alerte.xlsx")
    assert "✅ **Aucun constat au seuil « bloquant »**" in verifier(str(alerte), "--format", "markdown").stdout
    assert "❌ **1 constat bloquant ou alerte**" in verifier(str(alerte), "--format", "markdown",
                                                            "--echec-si", "alerte").stdout


# --- Texte et JSON ---------------------------------------------------------------------------

def test_texte_groupe_par_dossier_et_resume_une_ligne(trois_dossiers: Path) -> None:
    lignes = verifier(str(trois_dossiers)).stdout.splitlines()
    i = lignes.index("Dossier 2023-EX-001-2 (ligne 3)")
    assert re.match(r"  BLOQUANT +PIE-CERFA : ", lignes[i + 1])
    assert lignes[i + 2] == "            Source : NC2023, « Étape 3 : dépôt du cerfa définitif »"
    assert re.match(r"  BLOQUANT +SCH-SIRET : Le SIRET « 123 »", lignes[i + 3])
    assert lignes[i + 4].strip().startswith("Source : Spécification du tableau de programmation")
    assert lignes[i + 5] == ""
    assert "Dossier 2023-EX-001-1 (ligne 2)" not in lignes  # pas de bloc pour un dossier en règle
    assert lignes[-1] == ("3 dossier(s) vérifié(s), 4 constat(s) : 2 bloquants, 1 alerte, 1 info "
                          "— millésime 2023, date de référence 01/03/2023")


def test_json_au_contrat(trois_dossiers: Path) -> None:
    donnees = json.loads(verifier(str(trois_dossiers), "--format", "json").stdout)
    # « lecture » : ce que la lecture a compris (issue 11.5), avant les constats.
    assert set(donnees) == {"lecture", "constats", "resume"}
    assert set(donnees["lecture"]) == {
        "fichier", "feuille", "ligne_entete", "dossiers", "premiere_ligne", "derniere_ligne",
        "lignes_total", "lignes_vides", "ligne_donnees_ignorees", "colonnes_inconnues",
        "colonnes_absentes"}
    assert donnees["lecture"]["dossiers"] == 3 and donnees["lecture"]["ligne_entete"] == 1
    cles = {"dossier", "ligne", "regle", "famille", "gravite", "partenaire", "colonnes", "message", "source"}
    assert all(set(c) == cles for c in donnees["constats"])
    siret = next(c for c in donnees["constats"] if c["regle"] == "SCH-SIRET")
    assert siret | {"message": ""} == {"dossier": "2023-EX-001-2", "ligne": 3, "regle": "SCH-SIRET",
                                       "famille": "schema", "gravite": "bloquant", "partenaire": "socle",
                                       "colonnes": ["SIRET"], "message": "",
                                       "source": "Spécification du tableau de programmation, « Colonnes »"}
    assert all(c["source"] for c in donnees["constats"])
    resume = donnees["resume"]
    assert resume["par_gravite"] == {"bloquant": 2, "alerte": 1, "info": 1}
    assert resume["dossiers"] == 3 and resume["constats"] == 4
    assert resume["millesime"] == 2023 and resume["date_reference"] == DATE


def test_statut_de_sortie_selon_le_seuil(classeur) -> None:
    alertes = classeur([{"qpv": None}])
    assert verifier(str(alertes)).exit_code == 0
    assert verifier(str(alertes), "--echec-si", "alerte").exit_code == 1
    # Le format ne change pas le statut.
    for f in ("junit", "github", "markdown"):
        assert verifier(str(alertes), "--format", f).exit_code == 0
        assert verifier(str(alertes), "--format", f, "--echec-si", "alerte").exit_code == 1


# --- saisies réelles, valeurs absurdes, cellules hostiles (issues 11.3, 14.2, 14.3, 14.6) -----------

def _json(chemin: Path) -> dict:
    r = verifier(str(chemin), "--format", "json")
    assert r.exit_code in (0, 1), r.output
    return json.loads(r.stdout)


@pytest.mark.parametrize("saisie", ["Sans objet", "SO", "NA", "N/A", "-"])
def test_piece_sans_objet_non_due_ne_dit_rien(classeur, saisie: str) -> None:
    # Fiches PRE : dues seulement pour le dispositif PRE (le dossier type est en droit commun).
    donnees = _json(classeur([{"piece_pre": saisie, "statut": "Dossier définitif"}]))
    assert [c for c in donnees["constats"] if "Fiches PRE (annexes 6, 6B, 6C)" in c["colonnes"]] == []
    assert [c["regle"] for c in donnees["constats"] if c["regle"] == "SCH-CELLULE"] == []


@pytest.mark.parametrize("saisie", ["Sans objet", "SO", "NA", "N/A", "-"])
def test_piece_due_marquee_sans_objet_manque(classeur, saisie: str) -> None:
    donnees = _json(classeur([{"piece_cerfa": saisie, "statut": "Dossier définitif"}]))
    cerfa = [c for c in donnees["constats"] if c["regle"] == "PIE-CERFA"]
    assert len(cerfa) == 1 and "n'est pas fourni" in cerfa[0]["message"]
    assert "Sans objet" in cerfa[0]["message"]  # la case est citée comme l'agent l'a remplie
    assert [c for c in donnees["constats"] if c["regle"] == "SCH-CELLULE"] == []


@pytest.mark.parametrize("saisie", ["✓", "✔", "☑"])
def test_coche_vaut_oui_de_bout_en_bout(classeur, saisie: str) -> None:
    donnees = _json(classeur([{"piece_cerfa": saisie, "statut": "Dossier définitif"}]))
    assert [c["regle"] for c in donnees["constats"] if c["regle"] in ("PIE-CERFA", "SCH-CELLULE")] == []


def test_saisies_reelles_sans_fausse_alerte(classeur) -> None:
    """Un dossier en règle tapé comme les agents le tapent : aucun bloquant ni alerte."""
    donnees = _json(classeur([{
        "siret": "732.829.320.00074", "cout_total": "20\u202f000,00\u00a0€", "montant_etat": "8.000,00",
        "montant_cavm": "5 000 €", "fonds_propres": "7\u00a0000", "date_note_intention": "12/09/22",
        "date_dossier_definitif": "2022-11-25", "date_debut": "01.01.2023", "date_fin": "31/12/2023 00:00",
        "communes": "Valenciennes, Anzin", "qpv": "Dutemple Chasse Royale Saint-Waast - La Sentinelle",
        "piece_cerfa": "✔", "presence_reunion": "☑",
    }, {"numero_dossier": "2023-EX-002", "communes": "Condé-sur-escaut et Saint-saulve\nBruay sur l'escaut",
        "qpv": "Lecocq / La Pépinière"}]))
    graves = [(c["regle"], c["message"]) for c in donnees["constats"] if c["gravite"] != "info"]
    assert graves == []


@pytest.mark.parametrize("siret", ["٧٣٢٨٢٩٣٢٠٠٠٠٧٤", "７３２８２９３２０００７４", "7328293200007４"])
def test_siret_en_chiffres_non_ascii_refuse(classeur, siret: str) -> None:
    donnees = _json(classeur([{"siret": siret}]))
    sirets = [c for c in donnees["constats"] if c["regle"] == "SCH-SIRET"]
    assert len(sirets) == 1
    assert "ne correspond à aucun établissement possible" in sirets[0]["message"]
    assert "avis de situation SIRENE" in sirets[0]["message"] and "Luhn" not in sirets[0]["message"]


def test_rna_en_chiffres_non_ascii_refuse(classeur) -> None:
    donnees = _json(classeur([{"rna": "W٥٩٥٠٠٠٠٠١"}]))
    assert [c["regle"] for c in donnees["constats"] if c["regle"] == "SCH-RNA"] == ["SCH-RNA"]


def test_valeurs_absurdes_sont_des_constats_avec_leur_cellule(tmp_path: Path, catalogue_socle) -> None:
    from cdv_regles.exemples import table_exemple

    table = table_exemple({"lignes": [
        {"cout_total": 1e308, "montant_etat": -1e308, "date_debut": dt.datetime(9999, 12, 31),
         "date_fin": -5, "beneficiaires_femmes": 10**15, "montant_cavm": 250_000_000},
    ]}, catalogue_socle)
    chemin = ecrire_xlsx(table, tmp_path / "absurde.xlsx")
    r = verifier(str(chemin), "--format", "json")
    assert r.exit_code == 1, r.output
    entetes = {c.id: c.entete for c in catalogue_socle.colonnes}
    cellules = {c["colonnes"][0]: c["message"] for c in json.loads(r.stdout)["constats"] if c["regle"] == "SCH-CELLULE"}
    assert set(cellules) >= {entetes[x] for x in ("cout_total", "montant_etat", "date_debut", "date_fin",
                                                  "beneficiaires_femmes", "montant_cavm")}
    assert re.match(r"Cellule [A-Z]+2 ", cellules[entetes["cout_total"]])
    assert "invraisemblable" in cellules[entetes["montant_cavm"]]
    # Les autres commandes lisent le même fichier sans échouer.
    for commande in (["synthese", str(chemin), "--format", "json", "--date", DATE], ["texte-git", str(chemin)]):
        r = CliRunner().invoke(cdv_regles, commande, catch_exceptions=False)
        assert r.exit_code == 0, r.output


_HOSTILE = "1\x1b[2J\r\n::error file=forge.xlsx::faux bloquant\n=== Dossier FAUX ===\u202e\x85"


def _sans_controle(texte: str) -> None:
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]", texte), repr(texte[:200])
    assert not re.search(r"(?m)^::error file=forge", texte)
    assert not re.search(r"(?m)^=== Dossier FAUX", texte)


@pytest.mark.parametrize("format_", ["texte", "github", "markdown", "junit", "json"])
def test_cellule_hostile_dans_chaque_format(tmp_path: Path, catalogue_socle, format_: str) -> None:
    chemin = csv_de(tmp_path, catalogue_socle, [{"siret": _HOSTILE, "numero_dossier": "N\x1b[31m1"}],
                    "hostile\x1b.csv")
    r = verifier(str(chemin), "--format", format_)
    assert r.exit_code == 1, r.output
    _sans_controle(r.stdout)
    if format_ == "json":  # données exactes, échappées par JSON
        siret = [c for c in json.loads(r.stdout)["constats"] if c["regle"] == "SCH-SIRET"]
        assert "␛" in siret[0]["message"]
    else:
        assert "␛" in r.stdout


def test_le_resume_texte_ecrit_les_grands_nombres_a_la_francaise() -> None:
    """« 50 000 dossier(s) vérifié(s), 37 082 constat(s) : 15 997 bloquants… » (espace
    insécable des milliers, comme les montants), pas « 15997 »."""
    import datetime as dt
    from types import SimpleNamespace

    from cdv_regles.affichage import NBSP
    from cdv_regles.rapports.texte import resume_une_ligne

    resume = {"dossiers": 50_000, "constats": 37_082, "millesime": 2023,
              "par_gravite": {"bloquant": 15_997, "alerte": 7_661, "info": 13_424}}
    ligne = resume_une_ligne(SimpleNamespace(resume=lambda: resume, date_reference=dt.date(2023, 3, 1)))
    assert ligne.startswith(f"50{NBSP}000 dossier(s) vérifié(s), 37{NBSP}082 constat(s) : "
                            f"15{NBSP}997 bloquants, 7{NBSP}661 alertes, 13{NBSP}424 infos")
