"""Lecture du tableau de programmation : classeurs et CSV réels, et corpus hostile.

Chaque fichier est fabriqué ici (openpyxl, ou XML écrit à la main dans un zip quand il faut une
valeur en cache, une erreur de formule ou un XML piégé). Tout cas se termine soit par une
TableBrute exacte, soit par EntreeInvalide avec un message en français — jamais autre chose.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hostiles import sans_anglais
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdv_regles.adresses import adresse_a1, lettres_colonne
from cdv_regles.erreurs import EntreeInvalide
from cdv_regles.lecture import (
    Limites,
    TableauExcel,
    TableBrute,
    lire_table,
    table_depuis_valeurs,
)
from cdv_regles.lecture.xlsx import motif_superieur

FICHIERS = Path(__file__).parent / "fichiers"
ENTETES = ["N° dossier", "Porteur", "SIRET", "Coût total de l'action"]


def _refus(chemin: Path | str, fragment: str, limites: Limites | None = None) -> str:
    """lire_table doit refuser avec un message français contenant ``fragment``."""
    with pytest.raises(EntreeInvalide) as e:
        lire_table(chemin, limites=limites)
    message = e.value.message
    assert fragment in message, message
    assert e.value.code_sortie == 2
    sans_anglais(message, chemin)
    return message


def _xlsx_openpyxl(chemin: Path, lignes: list[list[Any]], titre: str = "Programmation",
                   apres: Callable[[Any], None] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = titre
    for ligne in lignes:
        ws.append(ligne)
    if apres:
        apres(ws)
    wb.save(chemin)
    return chemin


# --- classeur xlsx écrit à la main ----------------------------------------------------------

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _cellule(adresse: str, v: Any) -> str:
    """Une cellule XML : texte en ligne, nombre, formule avec valeur en cache, erreur…"""
    if isinstance(v, str):
        return f'<c r="{adresse}" t="inlineStr"><is><t>{v}</t></is></c>'
    if isinstance(v, bool):
        return f'<c r="{adresse}" t="b"><v>{int(v)}</v></c>'
    if isinstance(v, int | float):
        return f'<c r="{adresse}"><v>{v}</v></c>'
    return v(adresse)  # fabrique d'XML brut


def _formule(formule: str, cache: Any = None, erreur: str | None = None):
    def xml(adresse: str) -> str:
        if erreur:
            return f'<c r="{adresse}" t="e"><f>{formule}</f><v>{erreur}</v></c>'
        if cache is None:
            return f'<c r="{adresse}"><f>{formule}</f></c>'
        if isinstance(cache, str):
            return f'<c r="{adresse}" t="str"><f>{formule}</f><v>{cache}</v></c>'
        return f'<c r="{adresse}"><f>{formule}</f><v>{cache}</v></c>'
    return xml


def _feuille_xml(lignes: dict[int, list[Any]], *, colonne0: int = 0, avant: str = "",
                 prologue: str = "", apres: str = "") -> str:
    rangees = []
    for numero, valeurs in sorted(lignes.items()):
        cellules = "".join(_cellule(adresse_a1(colonne0 + j, numero), v)
                           for j, v in enumerate(valeurs) if v is not None)
        rangees.append(f'<row r="{numero}">{cellules}</row>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prologue}'
            f'<worksheet {_NS} {_NS_R}>{avant}<sheetData>{"".join(rangees)}</sheetData>{apres}</worksheet>')


def _xlsx_main(chemin: Path, feuilles: list[tuple[str, str]], *, etats: dict[str, str] | None = None,
               membres: dict[str, str | bytes] | None = None, prologue_classeur: str = "") -> Path:
    """Un xlsx minimal : une entrée (nom, XML de feuille) par feuille, membres en plus."""
    etats = etats or {}
    types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(feuilles) + 1))
    classeur_feuilles = "".join(
        f'<sheet name="{nom}" sheetId="{i}" r:id="rId{i}"'
        + (f' state="{etats[nom]}"' if nom in etats else "") + "/>"
        for i, (nom, _) in enumerate(feuilles, start=1))
    liens = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(feuilles) + 1))
    with zipfile.ZipFile(chemin, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
                   '.org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
                   'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
                   '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
                   f'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{types}</Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
                   f'{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml",
                   f'<?xml version="1.0" encoding="UTF-8"?>{prologue_classeur}<workbook {_NS} {_NS_R}>'
                   f"<sheets>{classeur_feuilles}</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                   f'openxmlformats.org/package/2006/relationships">{liens}</Relationships>')
        for i, (_, xml) in enumerate(feuilles, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", xml)
        for nom, contenu in (membres or {}).items():
            z.writestr(nom, contenu)
    return chemin


def _tableau_simple(chemin: Path, **options: Any) -> Path:
    lignes = {1: ENTETES, 2: ["2023-001", "Asso A", "73282932000074", 1000],
              3: ["2023-002", "Asso B", "73282932000074", 2000]}
    return _xlsx_main(chemin, [("Programmation", _feuille_xml(lignes, **options))])


# --- cas nominaux xlsx ----------------------------------------------------------------------

def test_titre_au_dessus_de_l_entete_et_fin_a_la_premiere_ligne_vide(tmp_path):
    chemin = _xlsx_openpyxl(tmp_path / "p.xlsx", [
        ["Programmation 2023 du Contrat de Ville"],
        [],
        [*ENTETES, "Date de dépôt de la note d'intention"],
        ["2023-001", "Asso A", 73282932000074, 12500.5, dt.datetime(2022, 9, 16)],
        ["2023-002", "Commune B", "73282932000074", "12 500", None],
        ["2023-003", None, None, None, "16/09/2022"],
        [],
        ["Total", None, None, 14500],
    ])
    t = lire_table(chemin)
    assert t.feuille == "Programmation" and t.format == "xlsx"
    assert t.entetes == [*ENTETES, "Date de dépôt de la note d'intention"]
    assert t.ligne_entete == 3
    assert t.numeros == [4, 5, 6]
    assert t.colonnes_excel == [0, 1, 2, 3, 4]
    # calamine rend une date (sans heure) pour un instant à minuit.
    assert t.lignes[0] == ["2023-001", "Asso A", 73282932000074, 12500.5, dt.date(2022, 9, 16)]
    assert t.lignes[1][2:] == ["73282932000074", "12 500", None]
    assert t.lignes[2] == ["2023-003", None, None, None, "16/09/2022"]
    # La ligne « Total » après la ligne vide est un total (dit à part), pas une donnée oubliée.
    assert t.ligne_donnees_ignorees is None
    assert t.totaux == [(8, "Total")]


def test_feuille_qui_ne_commence_pas_en_a1(tmp_path):
    def placer(ws):
        ws["C5"], ws["D5"], ws["E5"], ws["G5"] = "N° dossier", "Porteur", "SIRET", "Statut"
        ws["C6"], ws["D6"], ws["G6"] = "2023-001", "Asso", "Validé en comité"
        ws["C7"], ws["E7"] = "2023-002", "73282932000074"

    t = lire_table(_xlsx_openpyxl(tmp_path / "decale.xlsx", [], apres=placer))
    assert t.entetes == ["N° dossier", "Porteur", "SIRET", "Statut"]
    assert t.colonnes_excel == [2, 3, 4, 6]  # la colonne F, sans en-tête, est ignorée
    assert t.ligne_entete == 5 and t.numeros == [6, 7]
    assert [adresse_a1(c, n) for c, n in zip(t.colonnes_excel, [6] * 4, strict=True)] == \
        ["C6", "D6", "E6", "G6"]
    assert t.lignes == [["2023-001", "Asso", None, "Validé en comité"],
                        ["2023-002", None, "73282932000074", None]]


def test_lignes_masquees_et_filtrees_sont_des_dossiers(tmp_path):
    def masquer(ws):
        ws.row_dimensions[3].hidden = True
        ws.auto_filter.ref = "A1:D4"
        ws.column_dimensions["B"].hidden = True

    chemin = _xlsx_openpyxl(tmp_path / "masque.xlsx", [
        ENTETES, ["D1", "A", None, 1], ["D2", "B", None, 2], ["D3", "C", None, 3]], apres=masquer)
    t = lire_table(chemin)
    assert [ligne[0] for ligne in t.lignes] == ["D1", "D2", "D3"]
    assert t.numeros == [2, 3, 4]


def test_entetes_tolerants_casse_accents_retours_a_la_ligne(tmp_path):
    chemin = _xlsx_openpyxl(tmp_path / "e.xlsx", [
        ["  N° DOSSIER ", "porteur", "Cout total\nde l’action", "Colonne libre"], ["D1", "A", 5, "x"]])
    t = lire_table(chemin)
    assert t.entetes == ["N° DOSSIER", "porteur", "Cout total\nde l’action", "Colonne libre"]
    assert t.lignes == [["D1", "A", 5, "x"]]


def test_une_ligne_avec_deux_en_tetes_seulement_n_est_pas_l_en_tete(tmp_path):
    chemin = _xlsx_openpyxl(tmp_path / "e.xlsx", [
        ["Porteur", "SIRET", "(rappel des colonnes)"], ENTETES, ["D1", "A", "X", 1]])
    t = lire_table(chemin)
    assert t.ligne_entete == 2 and t.numeros == [3]


def test_en_tete_au_dela_de_30_lignes_n_est_pas_cherche(tmp_path):
    chemin = _xlsx_openpyxl(tmp_path / "loin.xlsx", [["note"]] * 31 + [ENTETES, ["D1", "A", "X", 1]])
    _refus(chemin, "Aucun tableau de programmation trouvé")


def test_choix_de_la_feuille(tmp_path):
    wb = openpyxl.Workbook()
    notice = wb.active
    notice.title = "Notice"
    notice.append(["Mode d'emploi du tableau"])
    ancienne = wb.create_sheet("Programmation 2022")
    ancienne.append(ENTETES)
    ancienne.append(["2022-001", "Ancien", None, 1])
    bonne = wb.create_sheet(" PROGRAMMATION ")
    bonne.append(ENTETES)
    bonne.append(["2023-001", "Nouveau", None, 1])
    wb.save(tmp_path / "f.xlsx")
    t = lire_table(tmp_path / "f.xlsx")
    assert t.feuille == " PROGRAMMATION " and t.lignes[0][0] == "2023-001"

    del wb[" PROGRAMMATION "]
    wb.save(tmp_path / "g.xlsx")
    t = lire_table(tmp_path / "g.xlsx")  # pas de « Programmation » : la première feuille qui a un en-tête
    assert t.feuille == "Programmation 2022"

    ancienne.sheet_state = "hidden"
    wb.save(tmp_path / "h.xlsx")
    message = _refus(tmp_path / "h.xlsx", "Aucun tableau de programmation trouvé")
    assert "« Notice »" in message


def test_en_tetes_fusionnes(tmp_path):
    def fusionner(ws):
        # Ligne 1 : titres de groupes fusionnés ; A1:A2 fusionnée verticalement (N° dossier) ;
        # B2:C2 fusionnée horizontalement (Porteur) : la colonne C est ignorée.
        ws.merge_cells("A1:A2")
        ws.merge_cells("B2:C2")
        ws.merge_cells("D1:E1")
        # Données : le porteur fusionné sur deux lignes vaut pour les deux dossiers.
        ws.merge_cells("B3:B4")

    chemin = _xlsx_openpyxl(tmp_path / "fusion.xlsx", [
        ["N° dossier", None, None, "Budget", None],
        [None, "Porteur", None, "Coût total de l'action", "Fonds propres"],
        ["D1", "Asso commune", "ignoré", 100, 10],
        ["D2", None, None, 200, 20],
    ], apres=fusionner)
    t = lire_table(chemin)
    assert t.ligne_entete == 2
    assert t.entetes == ["N° dossier", "Porteur", "Coût total de l'action", "Fonds propres"]
    assert t.colonnes_excel == [0, 1, 3, 4]
    assert t.lignes == [["D1", "Asso commune", 100, 10], ["D2", "Asso commune", 200, 20]]
    assert t.numeros == [3, 4]


def test_en_tete_entierement_fusionne_sur_deux_lignes(tmp_path):
    def fusionner(ws):
        for lettre in "ABCD":
            ws.merge_cells(f"{lettre}1:{lettre}2")

    chemin = _xlsx_openpyxl(tmp_path / "f2.xlsx", [ENTETES, [], ["D1", "A", "S", 1]], apres=fusionner)
    t = lire_table(chemin)
    assert t.ligne_entete == 1 and t.numeros == [3]  # la ligne 2, couverte par l'en-tête, est sautée


def test_formules_valeurs_en_cache_et_erreurs(tmp_path):
    lignes = {
        1: [*ENTETES, "Montant sollicité Valenciennes Métropole", "Fonds propres"],
        2: ["D1", _formule('"Asso "&amp;"A"', cache="Asso A"), "73282932000074",
            _formule("E2+F2", cache=1500), 1000, 500],
        3: ["D2", "B", "S", _formule("E3/0", erreur="#DIV/0!"), _formule("#REF!+1", erreur="#REF!"),
            _formule("F2*2", cache=1000)],
    }
    t = lire_table(_xlsx_main(tmp_path / "formules.xlsx", [("Programmation", _feuille_xml(lignes))]))
    assert t.lignes[0] == ["D1", "Asso A", "73282932000074", 1500, 1000, 500]
    # Les erreurs arrivent telles quelles (calamine les rendrait vides).
    assert t.lignes[1] == ["D2", "B", "S", "#DIV/0!", "#REF!", 1000]


def test_formule_sans_valeur_en_cache_dans_le_tableau(tmp_path):
    # openpyxl écrit les formules sans les calculer (« <v /> ») : lues, elles seraient vides et
    # le montant paraîtrait manquant. Le message nomme la cellule et dit quoi faire.
    def formules(ws):
        ws["D3"] = "=D2*2"
        ws["H1"] = "=1+1"  # hors du tableau (colonne sans en-tête) : sans effet
    chemin = _xlsx_openpyxl(tmp_path / "openpyxl.xlsx", [ENTETES, ["D1", "A", "S", 1000], ["D2", "B", "S"]],
                            apres=formules)
    message = _refus(chemin, "recalculez le classeur dans Excel (ou LibreOffice) puis enregistrez")
    assert "cellule D3)" in message and "H1" not in message
    # Sans la formule dans le tableau, le même classeur se lit.
    chemin = _xlsx_openpyxl(tmp_path / "hors.xlsx", [ENTETES, ["D1", "A", "S", 1000]],
                            apres=lambda ws: ws.__setitem__("H1", "=1+1"))
    assert lire_table(chemin).lignes == [["D1", "A", "S", 1000]]


def test_fin_d_un_tableau_excel_ligne_de_total_exclue(tmp_path):
    lignes = {1: ENTETES, 2: ["D1", "A", "S", 1], 3: ["D2", "B", "S", 2], 4: ["Total", None, None, 3],
              5: ["hors tableau", "x", "y", 4]}
    feuille = _feuille_xml(lignes, apres='<tableParts count="1"><tablePart r:id="rId1"/></tableParts>')
    table = ('<?xml version="1.0" encoding="UTF-8"?><table xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main" id="1" name="Programmation" displayName="Programmation" '
             'ref="A1:D4" totalsRowCount="1"><tableColumns count="4">'
             + "".join(f'<tableColumn id="{i}" name="c{i}"/>' for i in range(1, 5))
             + "</tableColumns></table>")
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
            f'.org/package/2006/relationships"><Relationship Id="rId1" Type="{_REL}/table" '
            'Target="../tables/table1.xml"/></Relationships>')
    chemin = _xlsx_main(tmp_path / "tableau.xlsx", [("Programmation", feuille)], membres={
        "xl/tables/table1.xml": table, "xl/worksheets/_rels/sheet1.xml.rels": rels})
    t = lire_table(chemin)
    assert [ligne[0] for ligne in t.lignes] == ["D1", "D2"]
    # La rangée tapée sous le Tableau, hors de lui, n'est pas un dossier, mais elle est dite
    # (SCH-LIGNES-HORS-TABLEAU), jamais ignorée en silence.
    assert t.ligne_donnees_ignorees == 5 and t.ignorees_sous_tableau


def test_xlsm_et_classeur_mal_nomme(tmp_path):
    source = _tableau_simple(tmp_path / "vrai.xlsx")
    for nom in ("classeur.xlsm", "en-realite-un-xlsx.csv", "ancien.xls", "SANS-EXTENSION", "MAJ.XLSX"):
        cible = tmp_path / nom
        cible.write_bytes(source.read_bytes())
        t = lire_table(cible)
        assert t.format == "xlsx" and [ligne[0] for ligne in t.lignes] == ["2023-001", "2023-002"]


def test_classeur_xlsm_avec_macros(tmp_path):
    chemin = _tableau_simple(tmp_path / "base.xlsx")
    with zipfile.ZipFile(chemin) as z:
        membres = {i.filename: z.read(i) for i in z.infolist()}
    membres["[Content_Types].xml"] = membres["[Content_Types].xml"].replace(
        b"spreadsheetml.sheet.main+xml", b"../vnd.ms-excel.sheet.macroEnabled.main+xml").replace(
        b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        b"</Types>")
    membres["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)
    with zipfile.ZipFile(chemin := tmp_path / "bouton.xlsm", "w", zipfile.ZIP_DEFLATED) as z:
        for nom, contenu in membres.items():
            z.writestr(nom, contenu)
    t = lire_table(chemin)
    assert t.format == "xlsx" and [ligne[0] for ligne in t.lignes] == ["2023-001", "2023-002"]


def test_classeur_97_2003(tmp_path):
    t = lire_table(FICHIERS / "programmation-97-2003.xls")
    assert t.format == "xls" and t.feuille == "Programmation"
    assert t.ligne_entete == 3 and t.numeros == [4]
    assert t.lignes == [["2023-001", "Association", "36252187900034", 12500.5]]


# --- ODS ------------------------------------------------------------------------------------

def _cellule_ods(v: Any) -> str:
    if v is None:
        return "<table:table-cell/>"
    if isinstance(v, int | float):
        return (f'<table:table-cell office:value-type="float" office:value="{v}">'
                f"<text:p>{v}</text:p></table:table-cell>")
    return f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'


def _ods(chemin: Path, feuilles: list[tuple[str, list[Any]]]) -> Path:
    corps = ""
    for nom, lignes in feuilles:
        corps += f'<table:table table:name="{nom}">'
        for ligne in lignes:
            corps += ligne if isinstance(ligne, str) else (
                "<table:table-row>" + "".join(_cellule_ods(v) for v in ligne) + "</table:table-row>")
        corps += "</table:table>"
    contenu = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:'
        'names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:'
        'table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:calcext="urn:org:'
        'documentfoundation:names:experimental:calc:xmlns:calcext:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{corps}</office:spreadsheet></office:body>"
        "</office:document-content>")
    with zipfile.ZipFile(chemin, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
                   'names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
                   'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                   '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                   "</manifest:manifest>", zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", contenu, zipfile.ZIP_DEFLATED)
    return chemin


# Fin de feuille telle que LibreOffice l'écrit : lignes et colonnes vides répétées jusqu'au bout.
_FIN_LIBREOFFICE = ('<table:table-row table:number-rows-repeated="1048570"><table:table-cell '
                    'table:number-columns-repeated="16384"/></table:table-row>')


def test_ods_trop_de_cellules_refuse_avant_calamine(tmp_path):
    # 1 000 lignes répétées de 50 cellules répétées : 50 000 cellules que calamine déplierait.
    repetees = ('<table:table-row table:number-rows-repeated="1000"><table:table-cell '
                'office:value-type="float" office:value="1" table:number-columns-repeated="50">'
                "<text:p>1</text:p></table:table-cell></table:table-row>")
    chemin = _ods(tmp_path / "cellules.ods", [("Feuille1", [ENTETES, ["D1", "A", "S", 1], repetees])])
    message = _refus(chemin, "Le classeur « ", limites=Limites(cellules_max=10_000))
    assert "plus de 10 000 cellules remplies" in message and "CDV_REGLES_CELLULES_MAX" in message
    assert len(lire_table(chemin, limites=Limites(cellules_max=60_000)).lignes) == 1001


def test_ods_decale_avec_fin_de_feuille_libreoffice(tmp_path):
    chemin = _ods(tmp_path / "p.ods", [("Feuille1", [
        '<table:table-row table:number-rows-repeated="2"><table:table-cell '
        'table:number-columns-repeated="5"/></table:table-row>',
        [None, "Programmation 2023"],
        [None, *ENTETES],
        [None, "D1", "Asso", "73282932000074", 1000],
        [None, "D2", None, None, 2500.5],
        _FIN_LIBREOFFICE])])
    t = lire_table(chemin)
    assert t.format == "ods" and t.feuille == "Feuille1"
    assert t.ligne_entete == 4 and t.numeros == [5, 6] and t.colonnes_excel == [1, 2, 3, 4]
    assert t.lignes == [["D1", "Asso", "73282932000074", 1000], ["D2", None, None, 2500.5]]


def test_ods_valeur_repetee_tres_loin_est_refusee(tmp_path):
    chemin = _ods(tmp_path / "loin.ods", [("Programmation", [
        ENTETES, ["D1", "A", "S", 1],
        '<table:table-row><table:table-cell table:number-columns-repeated="16000" '
        'office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
        "</table:table-row>"])])
    _refus(chemin, "très loin du tableau")
    chemin = _ods(tmp_path / "bas.ods", [("Programmation", [
        ENTETES, ["D1", "A", "S", 1],
        '<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
        'table:number-columns-repeated="3" office:value-type="string"><text:p>x</text:p>'
        "</table:table-cell></table:table-row>"])])
    _refus(chemin, "très loin du tableau")


def _erreur_ods(code: str, *, repetee: int = 1, commentaire: str = "") -> str:
    """Une cellule en erreur telle que LibreOffice l'enregistre."""
    rep = f' table:number-columns-repeated="{repetee}"' if repetee > 1 else ""
    note = (f"<office:annotation><text:p>{commentaire}</text:p></office:annotation>"
            if commentaire else "")
    return (f'<table:table-cell table:formula="of:=1/0" office:value-type="string" '
            f'office:string-value="" calcext:value-type="error"{rep}>{note}<text:p>{code}</text:p>'
            "</table:table-cell>")


_LIGNES_ERREURS_ODS = [
    "<table:table-row>" + "".join(_cellule_ods(v) for v in [*ENTETES, "Fonds propres"]) + "</table:table-row>",
    "<table:table-row>" + _cellule_ods("D1") + _cellule_ods("A") + _cellule_ods("S")
    + _erreur_ods("#DIV/0!") + _erreur_ods("Err:502", commentaire="à revoir") + "</table:table-row>",
    "<table:table-row>" + _cellule_ods("D2") + _cellule_ods("B") + _cellule_ods("S")
    + _erreur_ods("#N/A", repetee=2) + "</table:table-row>",
]


def test_ods_erreurs_de_formule_relevees_comme_pour_un_xlsx(tmp_path):
    """calamine rend vide une cellule .ods en erreur : le code affiché par LibreOffice est remis
    (le commentaire de la cellule n'en fait pas partie), répétitions de colonnes comprises."""
    t = lire_table(_ods(tmp_path / "erreurs.ods", [("Programmation", _LIGNES_ERREURS_ODS)]))
    assert t.lignes == [["D1", "A", "S", "#DIV/0!", "Err:502"], ["D2", "B", "S", "#N/A", "#N/A"]]


@pytest.mark.parametrize("taille", [1, 2, 3, 7, 16, 61])
def test_ods_erreurs_de_formule_coupees_entre_deux_morceaux(taille):
    from cdv_regles.lecture.ods import InspecteurOds

    xml = ('<table:table table:name="Programmation">' + "".join(_LIGNES_ERREURS_ODS) + "</table:table>").encode()
    inspecteur = InspecteurOds(1_000_000, 16_384)
    for k in range(0, len(xml), taille):
        inspecteur.nourrir(xml[k:k + taille])
    inspecteur.terminer()
    assert inspecteur.feuilles["Programmation"].erreurs == {
        (1, 3): "#DIV/0!", (1, 4): "Err:502", (2, 3): "#N/A", (2, 4): "#N/A"}


def test_ods_erreurs_de_formule_en_nombre_borne():
    from cdv_regles.lecture.ods import InspecteurOds

    xml = ('<table:table table:name="F"><table:table-row table:number-rows-repeated="1000">'
           + _erreur_ods("#REF!", repetee=1000) + "</table:table-row></table:table>").encode()
    inspecteur = InspecteurOds(10_000_000, 100_000)
    inspecteur.nourrir(xml)
    inspecteur.terminer()
    assert len(inspecteur.feuilles["F"].erreurs) == InspecteurOds.ERREURS_MAX


def test_ods_de_libreoffice_avec_erreurs_de_formule(tmp_path):
    """Le même classeur en xlsx et enregistré en .ods par LibreOffice : mêmes constats d'erreur."""
    import xlsxwriter
    from classeur_reel import convertir, soffice

    if soffice() is None:
        pytest.skip("LibreOffice (soffice) n'est pas installé (.ci/run l'installe)")
    classeur = xlsxwriter.Workbook(str(tmp_path / "erreurs.xlsx"))
    feuille = classeur.add_worksheet("Programmation")
    for j, e in enumerate(ENTETES):
        feuille.write(0, j, e)
    feuille.write_row(1, 0, ["D1", "Asso A", "73282932000074"])
    feuille.write_formula(1, 3, "=1/0", None, "#DIV/0!")
    feuille.write_row(2, 0, ["D2", "Asso B", "73282932000074", 1000])
    classeur.close()
    ods = convertir(tmp_path / "erreurs.xlsx", "ods", tmp_path / "lo")
    assert b'calcext:value-type="error"' in zipfile.ZipFile(ods).read("content.xml")
    for chemin in (tmp_path / "erreurs.xlsx", ods):
        assert lire_table(chemin).lignes == [["D1", "Asso A", "73282932000074", "#DIV/0!"],
                                             ["D2", "Asso B", "73282932000074", 1000]], chemin


# --- CSV ------------------------------------------------------------------------------------

def _csv(chemin: Path, texte: str, encodage: str) -> Path:
    chemin.write_bytes(texte.encode(encodage))
    return chemin


@pytest.mark.parametrize(("encodage", "separateur"), [
    ("cp1252", ";"), ("utf-8-sig", ";"), ("utf-8", ";"), ("utf-16", "\t"), ("utf-16", ";"),
    ("utf-8", ","), ("utf-8", "\t"), ("utf-16-le", "\t")])
def test_csv_exports_excel(tmp_path, encodage, separateur):
    s = separateur
    texte = (f"N° dossier{s}Porteur{s}Coût total de l'action{s}Observations\r\n"
             f'2023-001{s}Association « Élan »{s}"12 500,50 €"{s}\r\n'
             f'2023-002{s}{s}#REF!{s}"sur\r\ndeux lignes"\r\n'
             f"2023-003{s}Régie{s}1000{s}ok\r\n"
             f"{s}{s}{s}\r\n\r\n")
    t = lire_table(_csv(tmp_path / "export.csv", texte, encodage))
    assert t.format == "csv" and t.feuille is None
    assert t.entetes == ["N° dossier", "Porteur", "Coût total de l'action", "Observations"]
    assert t.lignes == [
        ["2023-001", "Association « Élan »", "12 500,50 €", None],
        ["2023-002", None, "#REF!", "sur\r\ndeux lignes"],
        ["2023-003", "Régie", "1000", "ok"],
    ]
    # Le rang de l'enregistrement (en-tête = 1), la ligne qu'Excel montre en ouvrant le CSV : le
    # dossier 2023-003 est le 4e, même si la cellule sur deux lignes le met à la 5e du fichier.
    assert t.numeros == [2, 3, 4]
    assert t.ligne_entete == 1 and t.ligne_donnees_ignorees is None


def test_csv_avec_ligne_de_titre_et_extension_txt(tmp_path):
    texte = "Export du 02/12/2022;;\n\nN° dossier;Porteur;SIRET\nD1;A;73282932000074\n"
    t = lire_table(_csv(tmp_path / "export.txt", texte, "cp1252"))
    assert t.ligne_entete == 3 and t.numeros == [4] and t.lignes == [["D1", "A", "73282932000074"]]


def test_csv_dos_avec_caractere_de_fin_de_fichier(tmp_path):
    texte = "N° dossier;Porteur;SIRET\r\nD1;Régie;S\r\n\x1a"
    assert lire_table(_csv(tmp_path / "dos.csv", texte, "cp1252")).lignes == [["D1", "Régie", "S"]]


def test_csv_sans_tableau(tmp_path):
    _refus(_csv(tmp_path / "notes.csv", "Bonjour,\nvoici mes notes.\n", "utf-8"),
           "Aucun tableau de programmation trouvé")


def test_csv_guillemets_mal_fermes(tmp_path):
    # Sans contrôle strict, le module csv fusionnerait en silence les lignes suivantes.
    texte = 'N° dossier;Porteur;SIRET\nD1;A;S\nD2;"Les "Amis" du quartier;S\nD3;B;S\n'
    _refus(_csv(tmp_path / "guillemets.csv", texte, "utf-8"), "mal formé à la ligne 3")
    texte = 'N° dossier;Porteur;SIRET\nD1;A;S\nD2;"Les Amis;S\nD3;B;S\n'
    _refus(_csv(tmp_path / "ouvert.csv", texte, "utf-8"), "mal formé à la ligne")
    texte = 'N° dossier;Porteur;SIRET\nD1;Association "Les Amis";S\n'
    t = lire_table(_csv(tmp_path / "interieur.csv", texte, "utf-8"))
    assert t.lignes == [["D1", 'Association "Les Amis"', "S"]]


# --- corpus hostile -------------------------------------------------------------------------

@pytest.mark.parametrize(("contenu", "nom"), [
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\x00\x00\x01", "programmation.pdf"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "image.xlsx"),
    (bytes(range(256)) * 20, "binaire.csv"),
])
def test_pas_un_tableur(tmp_path, contenu, nom):
    chemin = tmp_path / nom
    chemin.write_bytes(contenu)
    message = _refus(chemin, "n'est pas un classeur lisible (xlsx, xlsm, ods) ni un CSV")
    assert "Enregistrez-le depuis Excel au format .xlsx ou CSV (séparateur point-virgule)" in message


def test_autres_archives_zip(tmp_path):
    chemin = tmp_path / "lettre.docx"
    with zipfile.ZipFile(chemin, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    _refus(chemin, "c'est un document Word")
    with zipfile.ZipFile(chemin := tmp_path / "texte.odt", "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<x/>")
    _refus(chemin, "n'est pas un classeur")
    with zipfile.ZipFile(chemin := tmp_path / "photos.zip", "w") as z:
        z.writestr("a.jpg", b"\xff\xd8")
    _refus(chemin, "ne contient pas de classeur")
    with zipfile.ZipFile(chemin := tmp_path / "binaire.xlsb", "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x00")
    _refus(chemin, "format binaire .xlsb")
    (chemin := tmp_path / "vide.zip").write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    _refus(chemin, "ne contient pas de classeur")


def test_fichier_vide_introuvable_dossier(tmp_path):
    (tmp_path / "vide.xlsx").write_bytes(b"")
    _refus(tmp_path / "vide.xlsx", "est vide (0 octet)")
    (tmp_path / "blanc.csv").write_text("\n \n;;\n", encoding="utf-8")
    _refus(tmp_path / "blanc.csv", "Aucun tableau de programmation trouvé")
    (tmp_path / "espaces.csv").write_text("   \n\n", encoding="utf-8")
    _refus(tmp_path / "espaces.csv", "ne contient que des lignes vides")
    _refus(tmp_path / "absent.xlsx", "est introuvable")
    _refus(tmp_path, "est un dossier")
    os.mkfifo(tmp_path / "tube.csv")  # ouvrir un tube bloquerait : il est refusé avant
    _refus(tmp_path / "tube.csv", "n'est pas un fichier ordinaire")


def test_classeur_sans_tableau_sans_feuille_ou_vide(tmp_path):
    _refus(_xlsx_openpyxl(tmp_path / "notes.xlsx", [["Compte rendu"], ["de réunion", 3]]),
           "Aucun tableau de programmation trouvé")
    _refus(_xlsx_main(tmp_path / "sans-feuille.xlsx", []), "ne contient aucune feuille")
    _refus(_xlsx_main(tmp_path / "vide.xlsx", [("Programmation", _feuille_xml({}))]),
           "ne contient que des feuilles vides")
    _refus(_xlsx_main(tmp_path / "cachee.xlsx", [("Données", _feuille_xml({1: ENTETES}))],
                      etats={"Données": "hidden"}), "aucune feuille de calcul visible")


def test_zip_tronque(tmp_path):
    source = _tableau_simple(tmp_path / "entier.xlsx").read_bytes()
    for taille in (len(source) // 2, len(source) - 30, 100):
        chemin = tmp_path / f"tronque-{taille}.xlsx"
        chemin.write_bytes(source[:taille])
        _refus(chemin, "est abîmé ou incomplet")


def test_zip_corrompu_detecte_par_le_crc(tmp_path):
    chemin = tmp_path / "stocke.xlsx"
    lignes = {1: ENTETES, 2: ["D1", "A", "S", 1]}
    with zipfile.ZipFile(_xlsx_main(tmp_path / "base.xlsx", [("Programmation", _feuille_xml(lignes))])) as z:
        membres = {i.filename: z.read(i) for i in z.infolist()}
    with zipfile.ZipFile(chemin, "w", zipfile.ZIP_STORED) as z:
        for nom, contenu in membres.items():
            z.writestr(nom, contenu)
    donnees = bytearray(chemin.read_bytes())
    position = donnees.index(b"Asso" if b"Asso" in donnees else b"D1")
    donnees[position] ^= 0x01  # un octet de la feuille modifié, en-têtes zip intacts
    chemin.write_bytes(bytes(donnees))
    _refus(chemin, "est abîmé ou incomplet")


def test_bombe_de_decompression(tmp_path):
    lignes = {1: ENTETES, 2: ["D1", "A", "S", 1]}
    chemin = _xlsx_main(tmp_path / "bombe.xlsx", [("Programmation", _feuille_xml(lignes))],
                        membres={"xl/media/bourrage.bin": b"\x00" * 2_000_000})
    assert chemin.stat().st_size < 20_000
    message = _refus(chemin, "se décompresse en plus de 1 Mo", Limites(taille_decompressee_max=1024**2))
    assert "CDV_REGLES_TAILLE_DECOMPRESSEE_MAX" in message
    assert lire_table(chemin).lignes == [["D1", "A", "S", 1]]  # sous la limite par défaut


def _mentir_sur_la_taille(chemin: Path, membre: str, taille: int) -> None:
    """Réécrit la taille décompressée déclarée d'un membre (en-tête local et répertoire central)."""
    donnees = bytearray(chemin.read_bytes())
    nom = membre.encode()
    for signature, decalage_taille, decalage_nom in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        debut = 0
        while (debut := donnees.find(signature, debut)) >= 0:
            longueur = struct.unpack_from("<H", donnees, debut + decalage_nom - (4 if signature ==
                                          b"PK\x03\x04" else 18))[0]
            if donnees[debut + decalage_nom:debut + decalage_nom + longueur] == nom:
                struct.pack_into("<I", donnees, debut + decalage_taille, taille)
            debut += 4
    chemin.write_bytes(bytes(donnees))


def test_bombe_a_taille_declaree_mensongere(tmp_path):
    lignes = {1: ENTETES, 2: ["D1", "A", "S", 1]}
    chemin = _xlsx_main(tmp_path / "menteur.xlsx", [("Programmation", _feuille_xml(lignes))],
                        membres={"xl/media/bourrage.bin": b"\x00" * 5_000_000})
    _mentir_sur_la_taille(chemin, "xl/media/bourrage.bin", 100)
    with zipfile.ZipFile(chemin) as z:
        assert z.getinfo("xl/media/bourrage.bin").file_size == 100
    _refus(chemin, "est abîmé ou incomplet", Limites(taille_decompressee_max=1024**2))


def test_membre_chiffre_et_classeur_chiffre(tmp_path):
    chemin = _tableau_simple(tmp_path / "zipcrypto.xlsx")
    donnees = bytearray(chemin.read_bytes())
    for signature, decalage in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        debut = 0
        while (debut := donnees.find(signature, debut)) >= 0:
            donnees[debut + decalage] |= 0x01
            debut += 4
    chemin.write_bytes(bytes(donnees))
    _refus(chemin, "protégé par un mot de passe")
    _refus(FICHIERS / "classeur-chiffre.xlsx", "protégé par un mot de passe")


def test_xxe_entite_externe_jamais_lue(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("VALEUR-SECRETE-42", encoding="utf-8")
    prologue = f'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    lignes = {1: ENTETES, 2: ["D1", "&xxe;", "S", 1]}
    chemin = _xlsx_main(tmp_path / "xxe.xlsx",
                        [("Programmation", _feuille_xml(lignes, prologue=prologue))])
    message = _refus(chemin, "refusée par sécurité")
    assert "VALEUR-SECRETE-42" not in message

    # Dans workbook.xml, que l'outil lit lui-même (defusedxml).
    chemin = _xlsx_main(tmp_path / "xxe-classeur.xlsx", [("Programmation", _feuille_xml(lignes))],
                        prologue_classeur=prologue.replace("worksheet", "workbook"))
    message = _refus(chemin, "refusée par sécurité")
    assert "VALEUR-SECRETE-42" not in message

    # Une DTD déclarée mais une entité non utilisée : rien n'est lu, le tableau est lu normalement.
    lignes_sures = {1: ENTETES, 2: ["D1", "A", "S", 1]}
    chemin = _xlsx_main(tmp_path / "dtd.xlsx",
                        [("Programmation", _feuille_xml(lignes_sures, prologue=prologue))])
    try:
        t = lire_table(chemin)
    except EntreeInvalide as e:
        assert "VALEUR-SECRETE-42" not in e.message
    else:
        assert all("VALEUR-SECRETE-42" not in str(v) for ligne in t.lignes for v in ligne)


def test_dimension_absurde_dans_un_petit_fichier(tmp_path):
    chemin = _tableau_simple(tmp_path / "dim.xlsx", avant='<dimension ref="A1:XFD1048576"/>')
    t = lire_table(chemin)
    assert [ligne[0] for ligne in t.lignes] == ["2023-001", "2023-002"]


def test_cellule_mise_en_forme_tres_loin_est_sans_danger(tmp_path):
    feuille = _feuille_xml({1: ENTETES, 2: ["D1", "A", "S", 1]}).replace(
        "</sheetData>", '<row r="1048576"><c r="XFD1048576" s="1"/></row></sheetData>')
    t = lire_table(_xlsx_main(tmp_path / "style.xlsx", [("Programmation", feuille)]))
    assert t.lignes == [["D1", "A", "S", 1]]


@pytest.mark.parametrize("adresse", ["XFD1048576", "A1048576", "ZZZ2", "A202000"])
def test_valeur_oubliee_tres_loin_est_refusee_sans_faire_avorter(tmp_path, adresse):
    # calamine réserve le rectangle A1:XFD1048576 d'un bloc et fait avorter le processus :
    # l'inspection préalable doit refuser le fichier avant.
    ligne = int(re.sub(r"[A-Z]", "", adresse))
    feuille = _feuille_xml({1: ENTETES, 2: ["D1", "A", "S", 1]}).replace(
        "</sheetData>", f'<row r="{ligne}"><c r="{adresse}"><v>1</v></c></row></sheetData>')
    message = _refus(_xlsx_main(tmp_path / "loin.xlsx", [("Programmation", feuille)]), adresse)
    assert "très loin du tableau" in message and "Ctrl+Fin" in message


def test_seuil_de_valeur_lointaine_suit_les_limites(tmp_path):
    # Limites de 10 lignes et 5 colonnes : seuils à 10 + 30 + 1 + 1000 = 1041 lignes, 105 colonnes (DA).
    limites = Limites(lignes_max=10, colonnes_max=5)
    for adresse, accepte in (("A1041", True), ("A1042", False), ("DA4", True), ("DB4", False)):
        ligne = int(re.sub(r"[A-Z]", "", adresse))
        feuille = _feuille_xml({1: ENTETES, 2: ["D1", "A", "S", 1]}).replace(
            "</sheetData>", f'<row r="{ligne}"><c r="{adresse}"><v>1</v></c></row></sheetData>')
        chemin = _xlsx_main(tmp_path / f"{adresse}.xlsx", [("Programmation", feuille)])
        if accepte:
            assert lire_table(chemin, limites=limites).lignes == [["D1", "A", "S", 1]]
        else:
            _refus(chemin, f"contient une valeur en {adresse}", limites)


def test_valeur_lointaine_dans_une_autre_feuille_ne_gene_pas(tmp_path):
    loin = _feuille_xml({1: ["brouillon"]}).replace(
        "</sheetData>", '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
    chemin = _xlsx_main(tmp_path / "deux.xlsx", [
        ("Brouillon", loin), ("Programmation", _feuille_xml({1: ENTETES, 2: ["D1", "A", "S", 1]}))])
    assert lire_table(chemin).lignes == [["D1", "A", "S", 1]]


def test_cellules_sans_adresse(tmp_path):
    # Certains générateurs omettent r="A1" : calamine place alors les cellules à la suite.
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>'
           + "<row>" + "".join(f"<c t=\"inlineStr\"><is><t>{e}</t></is></c>" for e in ENTETES) + "</row>"
           + '<row><c t="inlineStr"><is><t>D1</t></is></c><c t="inlineStr"><is><t>A</t></is></c>'
           "<c/><c><v>5</v></c></row></sheetData></worksheet>")
    t = lire_table(_xlsx_main(tmp_path / "sans-r.xlsx", [("Programmation", xml)]))
    assert t.entetes == ENTETES and t.lignes == [["D1", "A", None, 5]] and t.numeros == [2]

    loin = xml.replace("</sheetData>", '<row r="1048576"><c><v>1</v></c></row></sheetData>')
    _refus(_xlsx_main(tmp_path / "sans-r-loin.xlsx", [("Programmation", loin)]), "très loin du tableau")


# --- limites --------------------------------------------------------------------------------

def test_limites_de_lignes_colonnes_et_taille(tmp_path):
    chemin = _xlsx_openpyxl(tmp_path / "l.xlsx", [ENTETES] + [[f"D{i}", "A", "S", i] for i in range(5)])
    assert len(lire_table(chemin, limites=Limites(lignes_max=5)).lignes) == 5
    message = _refus(chemin, "plus de 4 lignes de données", Limites(lignes_max=4))
    assert "CDV_REGLES_LIGNES_MAX" in message
    _refus(chemin, "a 4 colonnes, plus que la limite de 3", Limites(colonnes_max=3))
    message = _refus(chemin, "plus que la limite de 100 octets", Limites(taille_fichier_max=100))
    assert "CDV_REGLES_TAILLE_MAX" in message
    csv = _csv(tmp_path / "l.csv", "N° dossier;Porteur;SIRET\n" + "D;A;S\n" * 6, "utf-8")
    _refus(csv, "plus de 4 lignes de données", Limites(lignes_max=4))


def test_limites_depuis_l_environnement():
    limites = Limites.depuis_environnement({
        "CDV_REGLES_TAILLE_MAX": "10", "CDV_REGLES_TAILLE_DECOMPRESSEE_MAX": " 2000 ",
        "CDV_REGLES_LIGNES_MAX": "300 000", "CDV_REGLES_COLONNES_MAX": ""})
    assert limites == Limites(taille_fichier_max=10 * 1024**2, taille_decompressee_max=2000 * 1024**2,
                              lignes_max=300_000, colonnes_max=500)
    with pytest.raises(EntreeInvalide, match="CDV_REGLES_LIGNES_MAX vaut « beaucoup »"):
        Limites.depuis_environnement({"CDV_REGLES_LIGNES_MAX": "beaucoup"})
    with pytest.raises(EntreeInvalide, match="nombre entier positif"):
        Limites.depuis_environnement({"CDV_REGLES_TAILLE_MAX": "-5"})


def test_limites_lues_par_lire_table(tmp_path, monkeypatch):
    chemin = _xlsx_openpyxl(tmp_path / "l.xlsx", [ENTETES] + [[f"D{i}", "A", "S", i] for i in range(5)])
    monkeypatch.setenv("CDV_REGLES_LIGNES_MAX", "2")
    _refus(chemin, "plus de 2 lignes de données")


# --- grille déjà lue (bouton Excel) et adresses ---------------------------------------------

def test_table_depuis_valeurs_xlwings():
    valeurs = [
        ["Programmation 2023", None, None, None],
        ["N° dossier", "Porteur", None, "SIRET"],
        ["D1", "Asso", "note", 73282932000074.0],
        ["D2", "  ", None, None],
        [None, None, None, None],
        ["D9", None, None, None],
    ]
    copie = [list(r) for r in valeurs]
    t = table_depuis_valeurs(valeurs, chemin="Classeur1.xlsm", feuille="Programmation",
                             premiere_ligne=3, premiere_colonne=1)
    assert isinstance(t, TableBrute) and t.format == "grille"
    assert t.entetes == ["N° dossier", "Porteur", "SIRET"]
    assert t.colonnes_excel == [1, 2, 4] and t.ligne_entete == 4
    assert t.lignes == [["D1", "Asso", 73282932000074.0], ["D2", None, None]]
    assert t.numeros == [5, 6] and t.ligne_donnees_ignorees == 8
    assert valeurs == copie


def test_table_depuis_valeurs_fusions_et_tableau_excel():
    valeurs = [["N° dossier", "Porteur", "SIRET"], ["D1", "Asso", "S"], ["D2", None, "S"],
               ["Total", None, None]]
    t = table_depuis_valeurs(valeurs, chemin="c.xlsm", feuille="Programmation",
                             fusions=[((1, 1), (2, 1))],
                             tableaux=[TableauExcel(ligne_entete=1, derniere_ligne=3,
                                                    colonne_debut=0, colonne_fin=2)])
    assert t.lignes == [["D1", "Asso", "S"], ["D2", "Asso", "S"]]
    assert valeurs[2][1] is None  # la grille de l'appelant n'est pas modifiée


def test_table_depuis_valeurs_sans_en_tete():
    with pytest.raises(EntreeInvalide, match="il faut une ligne d'en-têtes"):
        table_depuis_valeurs([["a", "b"], [1, 2]], chemin="c.xlsm", feuille="Feuil1")


@given(st.integers(0, 10**7), st.integers(0, 10**7))
def test_motif_des_nombres_superieurs(seuil, n):
    motif = re.compile(motif_superieur(str(seuil), "0123456789", "[1-9]"))
    assert bool(motif.fullmatch(str(n))) is (n > seuil)


@given(st.integers(0, 16383), st.integers(0, 20000))
def test_motif_des_colonnes_superieures(seuil, colonne):
    motif = re.compile(motif_superieur(lettres_colonne(seuil), "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "[A-Z]"))
    assert bool(motif.fullmatch(lettres_colonne(colonne))) is (colonne > seuil)


# --- fichiers abîmés au hasard : jamais d'autre exception qu'EntreeInvalide -----------------
# CDV_FUZZ=1000 augmente le nombre d'essais (60 par défaut) pour une recherche plus poussée.

@pytest.fixture(scope="module")
def classeur_de_reference(tmp_path_factory) -> bytes:
    chemin = tmp_path_factory.mktemp("ref") / "ref.xlsx"
    _xlsx_openpyxl(chemin, [ENTETES, ["D1", "A", "73282932000074", 1000], ["D2", "B", None, 2.5]])
    return chemin.read_bytes()


@settings(max_examples=int(os.environ.get("CDV_FUZZ", "60")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_classeur_altere_au_hasard(tmp_path, classeur_de_reference, data):
    donnees = bytearray(classeur_de_reference)
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(donnees) - 1))
        donnees[position] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        donnees = donnees[:data.draw(st.integers(1, len(donnees)))]
    chemin = tmp_path / "altere.xlsx"
    chemin.write_bytes(bytes(donnees))
    try:
        t = lire_table(chemin)
    except EntreeInvalide as e:
        assert e.message and "Traceback" not in e.message
        sans_anglais(e.message, chemin)
    else:
        assert isinstance(t, TableBrute)


@settings(max_examples=int(os.environ.get("CDV_FUZZ", "60")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_xml_de_feuille_altere_au_hasard(tmp_path, data):
    # L'archive est saine (CRC justes) : c'est l'analyse XML de calamine qui est mise à l'épreuve.
    lignes = {1: [*ENTETES, "Date de début de l'action"],
              2: ["D1", "A", "S", 1000, _formule("A1", cache=44820)],
              3: ["D2", "B", "S", _formule("1/0", erreur="#DIV/0!"), True]}
    xml = bytearray(_feuille_xml(lignes).encode())
    for _ in range(data.draw(st.integers(1, 6))):
        position = data.draw(st.integers(0, len(xml) - 1))
        operation = data.draw(st.sampled_from(["remplacer", "inserer", "supprimer"]))
        octet = data.draw(st.sampled_from([*b'<>/"=&;#xrcvtsie019AZ ', 0, 0xC3, 0xFF]))
        if operation == "remplacer":
            xml[position] = octet
        elif operation == "inserer":
            xml.insert(position, octet)
        else:
            del xml[position]
    chemin = _xlsx_main(tmp_path / "xml-altere.xlsx", [("Programmation", bytes(xml))])
    try:
        t = lire_table(chemin)
    except EntreeInvalide as e:
        assert e.message
        sans_anglais(e.message, chemin)
    else:
        assert isinstance(t, TableBrute)


@settings(max_examples=int(os.environ.get("CDV_FUZZ", "60")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(contenu=st.binary(min_size=1, max_size=2000), nom=st.sampled_from(["f.csv", "f.xlsx", "f"]))
def test_octets_au_hasard(tmp_path, contenu, nom):
    chemin = tmp_path / nom
    chemin.write_bytes(contenu)
    try:
        lire_table(chemin)
    except EntreeInvalide as e:
        assert e.message
        sans_anglais(e.message, chemin)


def test_csv_le_bom_n_apparait_pas_dans_l_en_tete(tmp_path):
    texte = "N° dossier;Porteur;SIRET\nD1;A;S\n"
    t = lire_table(_csv(tmp_path / "bom.csv", texte, "utf-8-sig"))
    assert t.entetes[0] == "N° dossier"
    flux = io.BytesIO(texte.encode("utf-16"))
    (tmp_path / "u16.csv").write_bytes(flux.getvalue())
    assert lire_table(tmp_path / "u16.csv").entetes[0] == "N° dossier"


@pytest.mark.parametrize("texte", ["a\r\nb\rc\nd", "\r\r\n\n", "x", "a\nb\n", "\r", "é;\"a\r\nb\"\r\n"])
def test_csv_lignes_decoupees_comme_stringio(texte):
    from cdv_regles.lecture.csv import _lignes

    assert list(_lignes(texte)) == list(io.StringIO(texte, newline=""))
