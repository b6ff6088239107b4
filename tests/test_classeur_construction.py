"""Le classeur partagé généré par ``cdv-regles classeur nouveau`` : contenu, macro, bouton.

Vérifié avec de vrais lecteurs : openpyxl (structure, aller-retour ``keep_vba``), olevba
(oletools) pour le projet VBA, et le XML du bouton.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from cdv_regles.classeur import feuilles as F
from cdv_regles.cli import cdv_regles

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("xlsxwriter")
pytest.importorskip("pyopenvba")

DEPOT = Path(__file__).resolve().parents[1]
CLASSEUR_VERSIONNE = DEPOT / "classeurs" / "programmation-2023.xlsm"


def generer(sortie: Path, *options: str) -> object:
    return CliRunner().invoke(cdv_regles, ["classeur", "nouveau", "--millesime", "2023", "--sortie", str(sortie),
                                         *options])


@pytest.fixture(scope="module")
def classeur_genere(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sortie = tmp_path_factory.mktemp("classeur") / "programmation-2023.xlsm"
    resultat = generer(sortie)
    assert resultat.exit_code == 0, resultat.output
    return sortie


def colonnes_contrat() -> list:
    from cdv_regles import catalogue, greffons

    return list(catalogue.construire(greffons.charger(), 2023).colonnes)


def olevba(chemin: Path) -> str:
    sortie = subprocess.run([sys.executable, "-W", "ignore", "-m", "oletools.olevba", "-c", str(chemin)],
                            capture_output=True, text=True, check=False)
    assert sortie.returncode == 0, sortie.stderr
    return sortie.stdout


# --- La commande -----------------------------------------------------------------------------

def test_la_commande_ecrit_un_classeur_a_macros(classeur_genere: Path) -> None:
    with zipfile.ZipFile(classeur_genere) as z:
        types = z.read("[Content_Types].xml").decode()
        assert "xl/vbaProject.bin" in z.namelist()
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types


def test_deux_generations_donnent_le_meme_fichier(tmp_path: Path, classeur_genere: Path) -> None:
    autre = tmp_path / "programmation-2023.xlsm"
    assert generer(autre).exit_code == 0
    assert autre.read_bytes() == classeur_genere.read_bytes()


def test_un_fichier_existant_n_est_pas_ecrase(tmp_path: Path) -> None:
    cible = tmp_path / "programmation-2023.xlsm"
    cible.write_bytes(b"saisies precieuses")
    resultat = generer(cible)
    assert resultat.exit_code == 2
    assert "existe déjà" in resultat.output and "--remplacer" in resultat.output
    assert "Traceback" not in resultat.output
    assert cible.read_bytes() == b"saisies precieuses"
    assert list(tmp_path.iterdir()) == [cible]  # aucun fichier provisoire laissé

    assert generer(cible, "--remplacer").exit_code == 0
    assert zipfile.is_zipfile(cible)


def test_extension_et_millesime_refuses_avec_un_message(tmp_path: Path) -> None:
    resultat = generer(tmp_path / "programmation.xlsx")
    assert resultat.exit_code == 2
    assert ".xlsm" in resultat.output
    resultat = CliRunner().invoke(cdv_regles, ["classeur", "nouveau", "--millesime", "1999", "--sortie",
                                             str(tmp_path / "p.xlsm")])
    assert resultat.exit_code == 2
    assert "1999" in resultat.output and "millésimes disponibles" in resultat.output
    assert not (tmp_path / "p.xlsm").exists()


def test_le_classeur_versionne_est_a_jour(classeur_genere: Path) -> None:
    """``classeurs/programmation-2023.xlsm`` = ce que la commande produit aujourd'hui."""
    assert CLASSEUR_VERSIONNE.is_file(), "classeur versionné absent"
    with zipfile.ZipFile(CLASSEUR_VERSIONNE) as a, zipfile.ZipFile(classeur_genere) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        differents = [n for n in a.namelist() if n != "xl/vbaProject.bin" and a.read(n) != b.read(n)]
    assert not differents, (
        f"Parties différentes : {differents}. Régénérez : cdv-regles classeur nouveau "
        "--millesime 2023 --sortie classeurs/programmation-2023.xlsm --remplacer"
    )
    from pyopenvba import ExcelFile

    with ExcelFile(CLASSEUR_VERSIONNE) as a, ExcelFile(classeur_genere) as b:
        assert a.vba_modules() == b.vba_modules()


# --- Feuille Programmation ------------------------------------------------------------------

def test_tableau_programmation_avec_les_entetes_du_contrat(classeur_genere: Path) -> None:
    wb = openpyxl.load_workbook(classeur_genere, keep_vba=True)
    assert wb.sheetnames == [F.FEUILLE_PROGRAMMATION, F.FEUILLE_CONTROLES, F.FEUILLE_SYNTHESE,
                             F.FEUILLE_REFERENTIELS, F.FEUILLE_CONFIGURATION]
    ws = wb[F.FEUILLE_PROGRAMMATION]
    assert list(ws.tables) == [F.TABLEAU]
    ref = ws.tables[F.TABLEAU].ref
    assert ref.startswith("A1:")
    entetes = [c.value for c in ws[1]]
    assert entetes == [c.entete for c in colonnes_contrat()]
    assert ws.freeze_panes == "C2"  # ligne d'en-tête et N° dossier / Porteur figés


def test_formats_nombre_et_date_par_colonne(classeur_genere: Path) -> None:
    wb = openpyxl.load_workbook(classeur_genere)
    ws = wb[F.FEUILLE_PROGRAMMATION]
    formats = {}
    for i, c in enumerate(colonnes_contrat(), start=1):
        lettre = openpyxl.utils.get_column_letter(i)
        formats[c.id] = ws.column_dimensions[lettre].number_format
    assert formats["date_debut"] == "dd/mm/yyyy"
    assert formats["cout_total"] == '#,##0.00 "€"'
    assert formats["siret"] == "@"  # les zéros de tête d'un SIRET ne disparaissent pas
    assert formats["beneficiaires_femmes"] == "0"


def _validations(ws) -> dict[str, object]:
    par_colonne = {}
    for dv in ws.data_validations.dataValidation:
        premiere = str(dv.sqref).split(":")[0]
        par_colonne[re.sub(r"\d+", "", premiere)] = dv
    return par_colonne


def test_listes_deroulantes_avec_message_de_saisie(classeur_genere: Path) -> None:
    wb = openpyxl.load_workbook(classeur_genere)
    ws = wb[F.FEUILLE_PROGRAMMATION]
    validations = _validations(ws)
    listes = {"choix", "choix_multiple", "booleen", "orientation", "marqueur"}
    vues = 0
    for i, c in enumerate(colonnes_contrat(), start=1):
        lettre = openpyxl.utils.get_column_letter(i)
        dv = validations.get(lettre)
        assert dv is not None and dv.prompt and dv.promptTitle, f"pas de message de saisie : {c.entete}"
        assert str(dv.sqref) == f"{lettre}2:{lettre}2001"
        if c.type in listes:
            vues += 1
            assert dv.type == "list", c.entete
            nom = dv.formula1
            assert nom in wb.defined_names, f"{c.entete} : liste {nom} non définie"
    assert vues >= 25


def _liste(wb, nom: str) -> list:
    feuille, plage = next(iter(wb.defined_names[nom].destinations))
    cellules = wb[feuille][plage.replace("$", "")]
    if not isinstance(cellules, tuple):  # une seule cellule
        return [cellules.value]
    return [rangee[0].value for rangee in cellules]


def test_listes_tirees_des_referentiels_des_regles(classeur_genere: Path) -> None:
    from cdv_regles.parametres import referentiels_du_millesime

    wb = openpyxl.load_workbook(classeur_genere)
    refs = referentiels_du_millesime(2023)
    assert _liste(wb, "liste_types_porteur") == refs["types_porteur"].valeurs
    assert _liste(wb, "liste_dispositifs") == refs["dispositifs"].valeurs
    assert _liste(wb, "liste_statuts") == refs["statuts"].valeurs
    assert _liste(wb, "liste_communes") == refs["communes"].valeurs
    assert _liste(wb, "liste_qpv_2015") == refs["qpv_2015"].valeurs
    assert _liste(wb, "liste_oui_non") == ["Oui", "Non"]
    orientations = _liste(wb, "liste_orientations")
    assert len(orientations) == 6 and orientations[1].startswith("2 - Santé")
    # Le millésime est une cellule nommée que « Vérifier » relit.
    assert _liste(wb, F.NOM_MILLESIME) == [2023]


def test_choix_multiples_permettent_plusieurs_valeurs(classeur_genere: Path) -> None:
    ws = openpyxl.load_workbook(classeur_genere)[F.FEUILLE_PROGRAMMATION]
    validations = _validations(ws)
    ids = [c.id for c in colonnes_contrat()]
    communes = validations[openpyxl.utils.get_column_letter(ids.index("communes") + 1)]
    assert communes.type == "list" and not communes.showErrorMessage
    assert "« ; »" in communes.prompt
    statut = validations[openpyxl.utils.get_column_letter(ids.index("statut") + 1)]
    assert statut.showErrorMessage and statut.errorStyle == "warning"


def test_feuille_de_configuration_xlwings(classeur_genere: Path) -> None:
    ws = openpyxl.load_workbook(classeur_genere)[F.FEUILLE_CONFIGURATION]
    cles = {}
    for ligne in ws.iter_rows(min_col=1, max_col=2):
        if ligne[0].value is None:
            break  # xlwings lit la colonne A jusqu'à la première cellule vide
        cles[ligne[0].value.upper()] = ligne[1].value
    assert cles["INTERPRETER_WIN"].endswith(r"\Scripts\python.exe")
    assert cles["INTERPRETER_MAC"].endswith("/bin/python")
    assert cles["ADD_WORKBOOK_TO_PYTHONPATH"] == "false"


# --- Macro et bouton --------------------------------------------------------------------------

def test_olevba_montre_la_macro_et_le_module_xlwings(classeur_genere: Path) -> None:
    import xlwings

    texte = olevba(classeur_genere)
    assert "VBA MACRO Verification.bas" in texte
    assert "VBA MACRO xlwings.bas" in texte
    assert "VBA MACRO Dictionary.cls" in texte
    assert 'RunPython "import cdv_regles.classeur as c; c.verifier_appelant()"' in texte
    assert f'XLWINGS_VERSION As String = "{xlwings.__version__}"' in texte


def test_la_source_vba_du_depot_est_celle_du_classeur(classeur_genere: Path) -> None:
    from pyopenvba import ExcelFile

    source = (DEPOT / "classeurs" / "vba" / "Verification.bas").read_text(encoding="utf-8")
    with ExcelFile(classeur_genere) as f:
        embarque = f.get_module("Verification")
        noms = f.module_names()
    assert embarque.replace("\r\n", "\n").strip() == source.strip()
    # Un module de document par feuille, nommé comme le nom de code de la feuille.
    assert noms[:4] == ["ThisWorkbook", "Sheet1", "Sheet2", "Sheet3"]


def _bouton(chemin: Path) -> tuple[str, str]:
    with zipfile.ZipFile(chemin) as z:
        rels = z.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
        cible = re.search(r'Target="(?:\.\.|/xl)/drawings/(vmlDrawing\d+\.vml)"', rels).group(1)
        vml = z.read(f"xl/drawings/{cible}").decode()
        feuille = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<legacyDrawing" in feuille
    macro = re.search(r"<x:FmlaMacro>([^<]*)</x:FmlaMacro>", vml).group(1)
    return macro, vml


def test_bouton_verifier_lie_a_la_macro(classeur_genere: Path) -> None:
    macro, vml = _bouton(classeur_genere)
    assert macro == f"[0]!{F.MACRO_VERIFIER}"
    assert 'ObjectType="Button"' in vml and F.LIBELLE_BOUTON in vml
    assert re.search(rf"Public Sub {F.MACRO_VERIFIER}\(\)", olevba(classeur_genere))


def test_aller_retour_openpyxl_garde_macro_et_bouton(tmp_path: Path, classeur_genere: Path) -> None:
    wb = openpyxl.load_workbook(classeur_genere, keep_vba=True)
    ws = wb[F.FEUILLE_PROGRAMMATION]
    ws["A2"] = "2023-001"
    ws["B2"] = "Association Les Tilleuls"
    copie = tmp_path / "apres-openpyxl.xlsm"
    wb.save(copie)

    macro, _ = _bouton(copie)
    assert macro == f"[0]!{F.MACRO_VERIFIER}"
    texte = olevba(copie)
    assert "VBA MACRO Verification.bas" in texte and "c.verifier_appelant()" in texte
    relu = openpyxl.load_workbook(copie)
    assert relu[F.FEUILLE_PROGRAMMATION]["B2"].value == "Association Les Tilleuls"


def test_le_guide_suit_le_classeur() -> None:
    """Le guide d'installation cite la version d'xlwings et le chemin de Python du classeur."""
    import xlwings

    from cdv_regles.classeur.construction import CONFIGURATION

    guide = (DEPOT / "classeurs" / "README.md").read_text(encoding="utf-8")
    assert f'xlwings=={xlwings.__version__}"' in guide
    assert f"xlwings {xlwings.__version__}" in guide
    valeurs = {cle: valeur for cle, valeur, _ in CONFIGURATION}
    assert valeurs["Interpreter_Win"] in guide and valeurs["Interpreter_Mac"] in guide
    assert "PolyForm Noncommercial" in guide


# --- Impression (issue 16.6) -------------------------------------------------------------------

def test_chaque_feuille_s_imprime_lisiblement(classeur_genere: Path) -> None:
    """A4 paysage, ajusté en largeur, ligne d'en-tête répétée, zone d'impression : lu dans le XML."""
    with zipfile.ZipFile(classeur_genere) as z:
        classeur_xml = z.read("xl/workbook.xml").decode()
        feuilles = re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="rId(\d+)"', classeur_xml)
        xml = {nom: z.read(f"xl/worksheets/sheet{rid}.xml").decode() for nom, rid in feuilles}
    noms = {html_unescape(n): i for i, (n, _) in enumerate(feuilles)}
    definis = {(m.group(1), int(m.group(2))): html_unescape(m.group(3)) for m in re.finditer(
        r'<definedName name="(_xlnm\.Print_\w+)" localSheetId="(\d+)">([^<]+)</definedName>', classeur_xml)}
    largeur_programmation = None
    for nom, i in noms.items():
        page = re.search(r"<pageSetup [^>]*/>", xml[feuilles[i][0]]).group(0)
        assert 'orientation="landscape"' in page and 'paperSize="9"' in page, (nom, page)
        assert 'fitToHeight="0"' in page, (nom, page)  # autant de pages de haut qu'il faut
        assert '<pageSetUpPr fitToPage="1"/>' in xml[feuilles[i][0]], nom
        largeur = re.search(r'fitToWidth="(\d+)"', page)
        if nom == F.FEUILLE_PROGRAMMATION:
            largeur_programmation = int(largeur.group(1))
        else:
            assert largeur is None, (nom, page)  # fitToWidth absent = 1 page de large
        if nom != F.FEUILLE_SYNTHESE:  # Synthèse : zone posée par « Vérifier » (tableaux + graphiques)
            assert ("_xlnm.Print_Area", i) in definis, nom
    nb = len(colonnes_contrat())
    derniere = openpyxl.utils.get_column_letter(nb)
    assert definis[("_xlnm.Print_Area", noms[F.FEUILLE_PROGRAMMATION])] == f"Programmation!$A:${derniere}"
    assert definis[("_xlnm.Print_Titles", noms[F.FEUILLE_PROGRAMMATION])] == \
        "Programmation!$A:$B,Programmation!$1:$1"
    from cdv_regles.classeur.resultats import ENTETES_CONTROLES, LIGNE_ENTETE_CONTROLES

    fin = openpyxl.utils.get_column_letter(len(ENTETES_CONTROLES))
    assert definis[("_xlnm.Print_Area", noms[F.FEUILLE_CONTROLES])] == f"Contrôles!$A:${fin}"
    e = LIGNE_ENTETE_CONTROLES
    assert definis[("_xlnm.Print_Titles", noms[F.FEUILLE_CONTROLES])] == f"Contrôles!${e}:${e}"
    # Le tableau de 59 colonnes tient sur quelques pages de large, pas sur une (illisible).
    assert 2 <= largeur_programmation <= 8


def html_unescape(texte: str) -> str:
    import html

    return html.unescape(texte)
