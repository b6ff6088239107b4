"""Le classeur d'une chargée de mission (``classeur_reel.py``, avec toutes ses saisies « comme les
gens tapent » : SAISIES et SAISIES_TYPES) : exactement ses défauts plantés, et rien d'autre, quel
que soit le format (xlsx à Tableau, xlsx à filtre et fusions, CSV d'Excel, allers-retours
LibreOffice) et quel que soit le chemin (ligne de commande ou bouton Vérifier)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from classeur_reel import (
    DEFAUTS_TYPES,
    EN_PLUS,
    LIGNE_ENTETE,
    MASQUEE,
    convertir,
    ecrire_csv,
    ecrire_xlsx,
    soffice,
)

from cdv_regles.adresses import decouper_a1
from cdv_regles.verification import Resultat, verifier_fichier

DATE = dt.date(2023, 3, 1)
NUMEROS = ["CV23-101", "CV23-102", "CV23-103", "CV23-104", "CV23-105", "CV23-106", "CV23-107"]
# Lignes de la feuille : 4 = en-têtes ; variante à filtre : un sous-total en 8, une ligne vide
# en 13 et le TOTAL en 14 ; variante à Tableau et CSV : TOTAL juste sous le dernier dossier.
LIGNES_TABLEAU = dict(zip(NUMEROS, range(5, 12), strict=True))
LIGNES_FILTRE = dict(zip(NUMEROS, [5, 6, 7, 9, 10, 11, 12], strict=True))
TOTAUX_TABLEAU = [(12, "TOTAL")]
TOTAUX_FILTRE = [(8, "Sous-total orientation 2"), (14, "TOTAL programmation")]


@pytest.fixture(scope="module")
def fichiers(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("reel")
    return {
        "tableau": ecrire_xlsx(d / "tableau.xlsx", tableau=True, saisies_types=True),
        "filtre": ecrire_xlsx(d / "filtre.xlsx", tableau=False, saisies_types=True),
        "csv": ecrire_csv(d / "export.csv", saisies_types=True),
    }


@pytest.fixture(scope="module")
def libreoffice(fichiers, tmp_path_factory) -> dict[str, Path]:
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) n'est pas installé (.ci/run l'installe)")
    d = tmp_path_factory.mktemp("lo")
    ods = convertir(fichiers["filtre"], "ods", d / "ods")
    return {"ods": ods, "xlsx": convertir(ods, "xlsx", d / "xlsx")}


def verifier(chemin: Path) -> Resultat:
    return verifier_fichier(chemin, millesime=2023, date_reference=DATE)


def constater(r: Resultat, lignes: dict[str, int], totaux: list[tuple[int, str]]) -> None:
    """Exactement les défauts plantés, sur les bonnes lignes ; rien sur les totaux."""
    t = r.tableau
    assert r.nb_dossiers == len(NUMEROS)
    assert dict(zip(t.colonnes["numero_dossier"], t.lignes, strict=True)) == lignes
    assert t.ligne_entete == LIGNE_ENTETE
    graves: dict[str, set[str]] = {}
    for c in r.constats:
        if c.gravite in ("bloquant", "alerte"):
            graves.setdefault(c.dossier, set()).add(c.regle)
    assert graves == DEFAUTS_TYPES, [(c.dossier, c.regle, c.message) for c in r.constats
                               if c.gravite != "info"]
    # Les dossiers propres (dont « Total Sport ») n'ont ni bloquant ni alerte : vérifié ci-dessus ;
    # les lignes de total ne sont pas des dossiers : aucun constat n'y renvoie.
    lignes_total = {n for n, _ in totaux}
    assert t.totaux == totaux
    assert not [c for c in r.constats if c.ligne in lignes_total]
    assert not [a for c in r.constats for a in r.cellules(c) if decouper_a1(a)[0] in lignes_total]
    (dit,) = [c for c in r.constats if c.regle == "SCH-LIGNES-TOTAL"]
    assert dit.gravite == "info" and dit.ligne is None
    assert all(f"ligne {n} (« {libelle} »)" in dit.message for n, libelle in totaux)
    assert "Total Sport" in t.colonnes["porteur"]
    # La colonne hors contrat est dite (info), la colonne masquée est lue et garde sa lettre.
    (inconnue,) = [c for c in r.constats if c.regle == "SCH-COLONNE-INCONNUE"]
    assert EN_PLUS in inconnue.message
    assert t.colonnes[MASQUEE][NUMEROS.index("CV23-102")] == "Réussite éducative"


def test_xlsx_tableau_excel_avec_ligne_de_total(fichiers) -> None:
    r = verifier(fichiers["tableau"])
    constater(r, LIGNES_TABLEAU, TOTAUX_TABLEAU)
    # Adresses des cellules : celles de la feuille (bloc de titre au-dessus des en-têtes).
    (siret,) = [c for c in r.constats if c.regle == "SCH-SIRET"]
    assert r.cellules(siret) == ["D9"]


def test_xlsx_filtre_fusions_sous_total(fichiers) -> None:
    r = verifier(fichiers["filtre"])
    constater(r, LIGNES_FILTRE, TOTAUX_FILTRE)
    # Le porteur fusionné sur ses deux actions vaut pour les deux lignes.
    t = r.tableau
    assert t.colonnes["porteur"][1:3] == ["Centre social Dutemple"] * 2
    assert t.colonnes["siret"][1] == t.colonnes["siret"][2]
    assert r.tableau.ligne_donnees_ignorees is None  # le TOTAL après la ligne vide n'en est pas une


def test_csv_excel_francais(fichiers) -> None:
    brut = fichiers["csv"].read_bytes()
    assert b"\r\n" in brut and b";" in brut and "é".encode("cp1252") in brut
    r = verifier(fichiers["csv"])
    # Le premier dossier a deux cellules sur plusieurs lignes : les lignes restent celles d'Excel.
    constater(r, LIGNES_TABLEAU, TOTAUX_TABLEAU)
    assert r.tableau.colonnes["intitule"][0].endswith("(deux séances par semaine)")


def test_libreoffice_ods(libreoffice) -> None:
    r = verifier(libreoffice["ods"])
    constater(r, LIGNES_FILTRE, TOTAUX_FILTRE)
    assert r.tableau.colonnes["porteur"][1:3] == ["Centre social Dutemple"] * 2


def test_libreoffice_xlsx(libreoffice) -> None:
    constater(verifier(libreoffice["xlsx"]), LIGNES_FILTRE, TOTAUX_FILTRE)


def test_libreoffice_csv_du_tableau_excel(fichiers, tmp_path) -> None:
    """LibreOffice ne calcule pas les références structurées de la ligne de total du Tableau : il
    l'enregistre en CSV avec « Err:507 » / « Err:508 ». C'est toujours le TOTAL, pas un dossier."""
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) n'est pas installé (.ci/run l'installe)")
    convertir(fichiers["tableau"], "csv:Text - txt - csv (StarCalc):59,34,76,1", tmp_path)
    export = tmp_path / "tableau.csv"
    (total,) = [ligne for ligne in export.read_text(encoding="utf-8").splitlines()
                if ligne.startswith('"TOTAL"')]
    assert '"Err:507"' in total or '"Err:508"' in total  # ce que LibreOffice écrit vraiment
    constater(verifier(export), LIGNES_TABLEAU, TOTAUX_TABLEAU)


def _dates_mois_jour(r: Resultat) -> list:
    return [c for c in r.constats if c.regle == "SCH-DATES-MOIS-JOUR"]


def test_csv_d_un_excel_en_anglais_dates_mois_jour(tmp_path) -> None:
    """Dates MM/JJ/AAAA : celles dont le jour dépasse 12 sont illisibles, les autres seraient lues
    à l'envers sans rien dire ; un constat bloquant sur le tableau le dit (jamais pour un CSV
    français : constater() le vérifie sur les autres exports)."""
    r = verifier(ecrire_csv(tmp_path / "anglais.csv", saisies_types=True, dates="%m/%d/%Y"))
    (dit,) = _dates_mois_jour(r)
    assert dit.gravite == "bloquant" and dit.dossier == "" and dit.ligne is None
    assert "au format américain" in dit.message and "JJ/MM/AAAA" in dit.message
    assert "« Date de fin de l'action »" in dit.message
    # Chaque date illisible est aussi dite à sa cellule.
    assert any(c.regle == "SCH-CELLULE" and "cette date n'existe pas" in c.message for c in r.constats)


def test_libreoffice_csv_dates_non_affichees(fichiers, tmp_path) -> None:
    """LibreOffice, « enregistrer le contenu tel qu'affiché » décoché : les dates sortent dans le
    format de sa langue (ici, celle d'un profil neuf)."""
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) n'est pas installé (.ci/run l'installe)")
    convertir(fichiers["tableau"], "csv:Text - txt - csv (StarCalc):59,34,76,1,,0,false,true,false,false",
              tmp_path)
    export = tmp_path / "tableau.csv"
    texte = export.read_text(encoding="utf-8")
    r = verifier(export)
    if "12/31/2023" in texte:  # profil en anglais (États-Unis) : MM/JJ/AAAA
        assert len(_dates_mois_jour(r)) == 1
    else:
        assert "31/12/2023" in texte, texte[:500]  # sinon JJ/MM/AAAA, et rien à dire
        assert not _dates_mois_jour(r)


def test_texte_et_json_disent_la_lecture(fichiers) -> None:
    import json

    from cdv_regles.rapports import json_, texte

    r = verifier(fichiers["filtre"])
    debut = texte.rendre(r).split("\n")[2:5]
    assert debut == [
        "Lecture : feuille « Programmation », en-têtes en ligne 4, 7 dossiers (lignes 5 à 12).",
        "Lignes écartées : ligne 8 (« Sous-total orientation 2 », total); ligne 14 (« TOTAL "
        "programmation », total).",
        f"Colonnes non reconnues (non contrôlées) : « {EN_PLUS} ».",
    ]
    lecture = json.loads(json_.rendre(r))["lecture"]
    assert lecture["ligne_entete"] == 4 and lecture["dossiers"] == 7
    assert lecture["lignes_total"] == [{"ligne": 8, "libelle": "Sous-total orientation 2"},
                                       {"ligne": 14, "libelle": "TOTAL programmation"}]
    assert lecture["colonnes_inconnues"] == [EN_PLUS]


@pytest.mark.parametrize("variante", ["tableau", "filtre"])
def test_le_bouton_lit_comme_la_ligne_de_commande(fichiers, variante) -> None:
    """« Vérifier » sur le classeur ouvert (faux Book d'Excel, fusions comprises) : les mêmes
    constats, aux mêmes cellules, que ``cdv-regles verifier`` sur le fichier."""
    from test_classeur_verifier import faux_book_depuis_fichier

    from cdv_regles.classeur import feuilles as F
    from cdv_regles.classeur.controle import verifier as bouton
    from cdv_regles.classeur.resultats import LIGNE_ENTETE_CONTROLES

    book = faux_book_depuis_fichier(fichiers[variante])
    if variante == "filtre":
        assert book.sheets[F.FEUILLE_PROGRAMMATION].fusions  # le faux Book connaît les fusions
    resume = bouton(book, date_reference=DATE)
    assert "erreur" not in resume, resume
    cli = verifier(fichiers[variante])
    assert resume["dossiers"] == cli.nb_dossiers == len(NUMEROS)
    controles = book.sheets[F.FEUILLE_CONTROLES].used_range.options(ndim=2).value
    vus = sorted((r[1] or "", r[2] or None, r[3], r[7]) for r in controles[LIGNE_ENTETE_CONTROLES:])
    assert vus == sorted((c.dossier, c.ligne, c.regle, c.message) for c in cli.constats)
    assert controles[0][0] == cli_lecture(cli)


def cli_lecture(r: Resultat) -> str:
    from cdv_regles.rapports.lecture import lignes_lecture

    return lignes_lecture(r)[0]


def _payload(chemin: Path, tableau: bool) -> dict:
    """Le classeur tel qu'Excel web l'envoie au Book distant : valeurs depuis A1 (cases vides en
    "", dates en ISO), le Tableau Excel s'il y en a un. Les fusions n'y figurent pas."""
    import openpyxl
    import xlwings as xw

    from cdv_regles.classeur import feuilles as F

    ws = openpyxl.load_workbook(chemin, data_only=True)[F.FEUILLE_PROGRAMMATION]

    def json_(v):
        if v is None:
            return ""
        if isinstance(v, dt.datetime):
            return v.isoformat() + ".000Z"
        return float(v) if type(v) is int else v

    valeurs = [[json_(c.value) for c in rangee] for rangee in ws.iter_rows()]
    tables = []
    if tableau:
        ((_, ref),) = ws.tables.items()
        debut, fin = ref.split(":")
        col, bas = "".join(c for c in fin if c.isalpha()), int("".join(c for c in fin if c.isdigit()))
        haut = int(debut[1:])
        tables = [{"name": F.TABLEAU, "range_address": ref,
                   "header_row_range_address": f"A{haut}:{col}{haut}",
                   "data_body_range_address": f"A{haut + 1}:{col}{bas - 1}",
                   "total_row_range_address": f"A{bas}:{col}{bas}", "show_headers": True,
                   "show_totals": True, "table_style": "TableStyleMedium2", "show_autofilter": True}]
    return {
        "client": "Office.js", "version": xw.__version__,
        "book": {"name": chemin.name, "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": [{"name": F.FEUILLE_PROGRAMMATION, "values": valeurs, "pictures": [],
                    "tables": tables, "charts": []}],
    }


@pytest.mark.skipif(not os.environ.get("XLWINGS_LICENSE_KEY"),
                    reason="xlwings PRO (Book distant) : définir XLWINGS_LICENSE_KEY (p. ex. « noncommercial »)")
@pytest.mark.parametrize("variante", ["tableau", "filtre"])
def test_le_bouton_sur_le_book_distant(fichiers, variante) -> None:
    """Le Book distant (Excel web) : les mêmes constats que la ligne de commande, sauf, pour les
    cellules fusionnées qu'il ne peut pas connaître, les cellules couvertes lues vides (écart
    documenté dans classeurs/README.md) — et seulement elles."""
    import xlwings as xw
    from classeur_reel import FUSIONNEES, PAIRE, colonnes

    from cdv_regles.classeur.controle import verifier as bouton
    from cdv_regles.classeur.resultats import LIGNE_ENTETE_CONTROLES

    book = xw.Book(json=_payload(fichiers[variante], variante == "tableau"))
    resume = bouton(book, date_reference=DATE)
    assert "erreur" not in resume, resume
    (ecrit,) = [a for a in book.json()["actions"] if a["func"] == "setValues"
                and str(a["values"][0][0]).startswith("Lecture : ")]
    vus = sorted((r[1] or "", r[3], r[7]) for r in ecrit["values"][LIGNE_ENTETE_CONTROLES:])
    cli = verifier(fichiers[variante])
    attendus = sorted((c.dossier, c.regle, c.message) for c in cli.constats)
    if variante == "tableau":
        assert vus == attendus
        return
    assert set(attendus) <= set(vus)
    entetes = {c.entete for c in colonnes() if c.id in FUSIONNEES}
    en_plus = [(d, regle, m) for d, regle, m in vus if (d, regle, m) not in set(attendus)]
    assert en_plus and all(d == PAIRE[1] for d, _, _ in en_plus), en_plus
    assert all(any(e in m for e in entetes) for _, _, m in en_plus), en_plus


def test_en_tetes_sur_deux_lignes_fusionnees(tmp_path) -> None:
    """Une ligne de groupes fusionnés au-dessus des vrais en-têtes, et des en-têtes fusionnés sur
    les deux lignes : les en-têtes sont trouvés, les données commencent sous les deux lignes."""
    import xlsxwriter

    from cdv_regles.lecture import lire_table

    chemin = tmp_path / "deux_lignes.xlsx"
    wb = xlsxwriter.Workbook(str(chemin))
    ws = wb.add_worksheet("Programmation")
    ws.merge_range(0, 0, 1, 0, "N° dossier")  # sur les deux lignes d'en-tête
    ws.merge_range(0, 1, 0, 2, "Identification")  # groupe au-dessus de deux en-têtes
    ws.write_row(1, 1, ["Porteur", "SIRET"])
    ws.merge_range(0, 3, 0, 4, "Budget")
    ws.write_row(1, 3, ["Coût total de l'action", "Fonds propres"])
    ws.write_row(2, 0, ["CV23-1", "Asso", "73282932000074", 1000, 200])
    ws.write_row(3, 0, ["CV23-2", "Régie", "73282932000074", 2000, 400])
    wb.close()
    t = lire_table(chemin)
    assert t.entetes == ["N° dossier", "Porteur", "SIRET", "Coût total de l'action", "Fonds propres"]
    assert t.ligne_entete == 2 and t.numeros == [3, 4]
    assert t.lignes[0][:2] == ["CV23-1", "Asso"]


def test_la_synthese_ne_compte_pas_les_totaux(fichiers) -> None:
    """7 dossiers à 20 000 € de coût total : la synthèse ne compte ni le sous-total ni le TOTAL."""
    from cdv_regles.synthese.calcul import calculer_synthese
    from cdv_regles.verification import preparer

    greffons, _ = preparer(2023)
    perimetre = calculer_synthese(verifier(fichiers["filtre"]), greffons)["rubriques"]["socle"]["perimetre"]
    assert perimetre["dossiers"] == len(NUMEROS)
    assert perimetre["cout_total"] == 20_000 * len(NUMEROS)


def test_un_dossier_tape_sous_le_tableau_excel_est_signale(tmp_path) -> None:
    """Sous la ligne de total d'un Tableau Excel, hors de lui : pas lu comme un dossier (décision
    écrite dans la règle), mais jamais en silence."""
    from cdv_regles.verification import verifier_fichier

    avec = ecrire_xlsx(tmp_path / "sous.xlsx", dossier_sous_le_tableau=True)
    sans = ecrire_xlsx(tmp_path / "seul.xlsx")
    r = verifier_fichier(avec, millesime=2023, date_reference=dt.date(2023, 3, 1))
    r0 = verifier_fichier(sans, millesime=2023, date_reference=dt.date(2023, 3, 1))
    hors = [c for c in r.constats if c.regle == "SCH-LIGNES-HORS-TABLEAU"]
    assert len(hors) == 1 and hors[0].gravite == "alerte"
    derniere = max(r.tableau.lignes + [n for n, _ in r.tableau.totaux])
    assert f"en ligne {derniere + 1}, hors du Tableau" in hors[0].message
    assert r.nb_dossiers == r0.nb_dossiers and "CV23-199" not in r.cadre["_dossier"].to_list()
    assert not [c for c in r0.constats if c.regle in ("SCH-LIGNES-HORS-TABLEAU", "SCH-LIGNES-IGNOREES")]
    # Le reste des constats ne change pas.
    assert [c for c in r.constats if c.regle != "SCH-LIGNES-HORS-TABLEAU"] == r0.constats
