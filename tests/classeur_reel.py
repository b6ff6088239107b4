"""Le classeur d'une chargée de mission, écrit comme les vrais programmes l'écrivent.

xlsxwriter (ce qu'utilisent les exports de logiciels de gestion) : un bloc de titre au-dessus des
en-têtes, une colonne masquée, un Tableau Excel avec sa ligne de total (ou, en variante, un filtre
automatique et des lignes « Sous-total » / « TOTAL » tapées à la main), le nom du porteur fusionné
sur ses deux actions, des formules avec leur valeur en cache, des valeurs tapées comme les gens les
tapent. Le même tableau s'écrit aussi en CSV comme Excel l'exporte en France (Windows-1252, « ; »,
CRLF, cellules entre guillemets sur plusieurs lignes) ; LibreOffice le convertit en .ods et .xlsx.

Défauts plantés (``DEFAUTS``, les seuls constats bloquants ou alertes attendus) :

- CV23-103 (deuxième action du porteur fusionné) : budget déséquilibré, fonds propres 6 000 au
  lieu de 7 000 → BUD-EQUILIBRE ;
- CV23-105 : SIRET mal recopié (deux chiffres inversés) → SCH-SIRET ;
- CV23-106 : dossier définitif déposé le 09/12/2022, après le 02/12/2022, date tapée en texte
  → ECH-DOSSIER-DEFINITIF-TARDIF ;
- CV23-107, avec les saisies de ``SAISIES_TYPES`` : la pièce Dauphin, exigée, marquée « SO »
  → PIE-DAUPHIN (une pièce exigée « sans objet » est une pièce manquante, dite comme telle).

Tout le reste est en règle : aucun bloquant ni alerte sur les autres dossiers (dont « Total
Sport », un porteur qui s'appelle ainsi), rien sur les lignes de total, qui ne sont pas des dossiers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

FEUILLE = "Programmation"
TITRE = ["Contrat de Ville de Valenciennes Métropole — Programmation 2023",
         "Tableau de suivi des dossiers (version de travail du service politique de la ville)"]
LIGNE_ENTETE = 4  # 1-based : deux lignes de titre, une ligne vide, puis les en-têtes
MASQUEE = "objectif_operationnel"  # colonne masquée (elle garde sa lettre)
EN_PLUS = "Observations du service"  # colonne hors contrat, ignorée (info)

DEFAUTS: dict[str, set[str]] = {
    "CV23-103": {"BUD-EQUILIBRE"},
    "CV23-105": {"SCH-SIRET"},
    "CV23-106": {"ECH-DOSSIER-DEFINITIF-TARDIF"},
}
# Avec les saisies de SAISIES_TYPES : « SO » sur une pièce exigée est une pièce manquante.
DEFAUTS_TYPES: dict[str, set[str]] = {**DEFAUTS, "CV23-107": {"PIE-DAUPHIN"}}

NBSP, NNBSP = "\u00a0", "\u202f"

# Saisies « comme les gens tapent » que la lecture comprend (valeurs.py) : elles sont dans
# chaque classeur. Chaque entrée : (dossier, colonne, valeur tapée).
SAISIES: list[tuple[str, str, Any]] = [
    ("CV23-101", "cout_total", f"20{NBSP}000 €"),
    ("CV23-101", "montant_etat", f"8{NNBSP}000,00 €"),
    ("CV23-101", "fonds_propres", "7.000,00"),
    ("CV23-104", "date_note_intention", "2022-09-12"),
    ("CV23-104", "date_dossier_definitif", "25.11.2022"),
    ("CV23-104", "piece_cerfa", "x"),
    ("CV23-107", "presence_reunion", "VRAI"),
]

# Saisies que la lecture doit comprendre aussi (issue 11.3, valeurs.py) : ajoutées avec
# ``saisies_types=True``.
SAISIES_TYPES: list[tuple[str, str, Any]] = [
    ("CV23-101", "siret", "732 829 320 00074"),
    ("CV23-101", "piece_vvv", "-"),
    ("CV23-102", "date_debut", "01/01/23"),
    ("CV23-102", "piece_pre", "N/A"),
    ("CV23-104", "piece_cv", "✓"),
    ("CV23-104", "piece_bilan_intermediaire", "SO"),
    ("CV23-104", "communes", "Valenciennes ; Anzin"),
    ("CV23-104", "echelle", "Intercommunale"),
    ("CV23-104", "piece_formation_egalite", "✔"),
    ("CV23-107", "communes", "valenciennes"),
    ("CV23-107", "piece_dauphin", "SO"),  # pièce exigée : manquante, dite comme telle (défaut planté)
]


def _base() -> dict[str, Any]:
    from cdv_regles.exemples import dossier_type

    return dict(dossier_type(2023)[1])


def dossiers() -> list[dict[str, Any]]:
    """Les dossiers, valeurs « propres » (comme le dossier type des exemples de règles)."""
    b = _base()
    d = [
        {**b, "numero_dossier": "CV23-101", "porteur": "Total Sport", "intitule": "Foot citoyen au Faubourg"},
        {**b, "numero_dossier": "CV23-102", "porteur": "Centre social Dutemple",
         "intitule": "Accompagnement à la scolarité", "objectif_operationnel": "Réussite éducative"},
        {**b, "numero_dossier": "CV23-103", "porteur": "Centre social Dutemple",
         "intitule": "Ateliers santé parents-enfants", "fonds_propres": "6 000"},
        {**b, "numero_dossier": "CV23-104", "porteur": "Femmes solidaires du Hainaut",
         "intitule": "Permanences d'accès aux droits"},
        {**b, "numero_dossier": "CV23-105", "porteur": "Les Jardins de la Rhônelle",
         "intitule": "Jardin partagé", "siret": "73282932000047"},
        {**b, "numero_dossier": "CV23-106", "porteur": "Maison de quartier Chasse Royale",
         "intitule": "Sorties familles", "date_dossier_definitif": "09/12/2022"},
        {**b, "numero_dossier": "CV23-107", "porteur": "Compagnie du Bout de la Rue",
         "intitule": "Théâtre forum égalité"},
    ]
    return d


def _typer(d: list[dict[str, Any]], saisies_types: bool) -> list[dict[str, Any]]:
    par_numero = {x["numero_dossier"]: x for x in d}
    for numero, colonne, valeur in SAISIES + (SAISIES_TYPES if saisies_types else []):
        par_numero[numero][colonne] = valeur
    return d


# Les deux actions du même porteur : ses colonnes d'identification sont fusionnées sur deux lignes.
FUSIONNEES = ("porteur", "type_porteur", "siret", "rna")
PAIRE = ("CV23-102", "CV23-103")


def colonnes() -> list[Any]:
    from cdv_regles import catalogue, greffons

    return list(catalogue.construire(greffons.charger(), 2023).colonnes)


def _nombre(v: Any) -> float | None:
    from cdv_regles import valeurs

    try:
        return valeurs.lire_montant(v)
    except valeurs.ValeurIllisible:
        return None


def _excel(v: Any, type_: str) -> Any:
    """Ce qu'on tape dans la cellule : nombres et dates d'Excel quand c'en sont, sinon du texte."""
    if v is None:
        return None
    if type_ == "montant" and isinstance(v, str) and v.replace(" ", "").isdigit():
        return float(v.replace(" ", ""))  # « 20 000 » du dossier type : un nombre dans Excel
    if type_ == "date" and isinstance(v, str) and len(v) == 10 and v[2] == "/":
        j, m, a = v.split("/")
        return dt.date(int(a), int(m), int(j))
    return v


def grille(*, saisies_types: bool = False) -> tuple[list[Any], list[list[Any]]]:
    """(colonnes du contrat, rangées de données telles que tapées) — avant toute mise en forme."""
    cols = colonnes()
    rangees = [[_excel(d.get(c.id), c.type) for c in cols]
               for d in _typer(dossiers(), saisies_types)]
    return cols, rangees


def _sommes(cols: list[Any], rangees: list[list[Any]]) -> dict[int, float]:
    return {j: sum(_nombre(r[j]) or 0 for r in rangees)
            for j, c in enumerate(cols) if c.type == "montant"
            and any(r[j] is not None for r in rangees)}


def ecrire_xlsx(chemin: Path, *, tableau: bool = True, saisies_types: bool = False,
                dossier_sous_le_tableau: bool = False) -> Path:
    """Le classeur xlsxwriter. ``tableau`` : un Tableau Excel avec ligne de total ; sinon un filtre
    automatique, un « Sous-total » après CV23-103 et un « TOTAL » après une ligne vide.
    ``dossier_sous_le_tableau`` : un dossier de plus, tapé sous la ligne de total, hors du Tableau."""
    import xlsxwriter
    from xlsxwriter.utility import xl_rowcol_to_cell

    cols, rangees = grille(saisies_types=saisies_types)
    entetes = [c.entete for c in cols] + [EN_PLUS]
    j_num = 0
    wb = xlsxwriter.Workbook(str(chemin))
    ws = wb.add_worksheet(FEUILLE)
    titre = wb.add_format({"bold": True, "font_size": 14})
    date = wb.add_format({"num_format": "dd/mm/yyyy"})
    montant = wb.add_format({"num_format": "#,##0.00 €"})
    gras = wb.add_format({"bold": True, "num_format": "#,##0.00 €"})
    fusion = wb.add_format({"valign": "vcenter"})
    ws.merge_range(0, 0, 0, 8, TITRE[0], titre)
    ws.write(1, 0, TITRE[1])
    e = LIGNE_ENTETE - 1  # 0-based
    j_masquee = next(j for j, c in enumerate(cols) if c.id == MASQUEE)
    ws.set_column(j_masquee, j_masquee, None, None, {"hidden": True})
    indices = {d[j_num]: i for i, d in enumerate(rangees)}

    def ecrire_rangee(r: int, rangee: list[Any]) -> None:
        for j, v in enumerate(rangee):
            if v is None:
                continue
            c = cols[j]
            if isinstance(v, dt.date):
                ws.write_datetime(r, j, dt.datetime.combine(v, dt.time()), date)
            elif isinstance(v, float | int) and c.type == "montant":
                ws.write_number(r, j, v, montant)
            elif isinstance(v, str):
                ws.write_string(r, j, v)
            else:
                ws.write(r, j, v)

    sommes = _sommes(cols, rangees)
    lignes: list[tuple[str, Any]] = []  # (« dossier » | « sous-total » | « vide » | « total », données)
    for rangee in rangees:
        lignes.append(("dossier", rangee))
        if not tableau and rangee[j_num] == PAIRE[1]:
            lignes.append(("sous-total", rangees[:indices[PAIRE[1]] + 1]))
    if not tableau:
        lignes += [("vide", None), ("total", rangees)]
    r = e + 1
    premiere = r
    for sorte, donnees in lignes:
        if sorte == "dossier":
            ecrire_rangee(r, donnees)
            # Coût total en formule (somme des charges tapée ailleurs) : sa valeur en cache.
            j_cout = next(j for j, c in enumerate(cols) if c.id == "cout_total")
            v = donnees[j_cout]
            if isinstance(v, float):
                ws.write_formula(r, j_cout, f"={int(v) // 2}+{int(v) - int(v) // 2}", montant, v)
        elif sorte in ("sous-total", "total"):
            libelle = "Sous-total orientation 2" if sorte == "sous-total" else "TOTAL programmation"
            ws.write_string(r, 0, libelle)
            for j, s in _sommes(cols, donnees).items():
                haut = xl_rowcol_to_cell(premiere, j)
                bas = xl_rowcol_to_cell(r - (2 if sorte == "total" else 1), j)
                ws.write_formula(r, j, f"=SUBTOTAL(9,{haut}:{bas})", gras, s)
        r += 1
    fin = r - 1
    # Le porteur et son identification, fusionnés sur ses deux actions (Excel refuse les fusions
    # dans un Tableau : seulement dans la variante à filtre automatique).
    i0 = indices[PAIRE[0]]
    for nom in FUSIONNEES if not tableau else ():
        j = next(j for j, c in enumerate(cols) if c.id == nom)
        v = rangees[i0][j]
        ligne0 = premiere + i0
        ws.merge_range(ligne0, j, ligne0 + 1, j, v, fusion)
    derniere_col = len(entetes) - 1
    if tableau:
        reglages = [{"header": h} for h in entetes]
        reglages[0]["total_string"] = "TOTAL"
        for j, s in sommes.items():
            reglages[j].update(total_function="sum", total_value=s)
        ws.add_table(e, 0, fin + 1, derniere_col, {
            "name": "Dossiers", "columns": reglages, "total_row": True, "style": "Table Style Medium 2"})
    else:
        ws.write_row(e, 0, entetes, wb.add_format({"bold": True, "text_wrap": True}))
        ws.autofilter(e, 0, fin, derniere_col)
    if tableau and dossier_sous_le_tableau:
        ecrire_rangee(fin + 2, [*rangees[0][:j_num], "CV23-199", *rangees[0][j_num + 1:]])
    ws.write_string(premiere + 1, derniere_col, "relancé le 3/02")
    ws.freeze_panes(e + 1, 1)
    wb.close()
    return chemin


def ecrire_csv(chemin: Path, *, saisies_types: bool = False, dates: str = "%d/%m/%Y") -> Path:
    """Le même tableau comme Excel l'exporte en France : Windows-1252, « ; », CRLF, le titre au-dessus,
    une cellule sur plusieurs lignes (entre guillemets), les valeurs fusionnées répétées (Excel
    n'exporte que la première : on la répète comme la personne le ferait), une ligne TOTAL.
    ``dates="%m/%d/%Y"`` : les dates comme les écrit un Excel réglé en anglais (États-Unis)."""
    cols, rangees = grille(saisies_types=saisies_types)
    entetes = [c.entete for c in cols] + [EN_PLUS]
    sortie = io.StringIO(newline="")
    w = csv.writer(sortie, delimiter=";", lineterminator="\r\n")
    w.writerow([TITRE[0]])
    w.writerow([TITRE[1]])
    w.writerow([])
    w.writerow(entetes)

    def texte(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, dt.date):
            return v.strftime(dates)
        if isinstance(v, float):
            return f"{v:.2f}".replace(".", ",")
        return str(v)

    j_intitule = next(j for j, c in enumerate(cols) if c.id == "intitule")
    for i, rangee in enumerate(rangees):
        cellules = [texte(v) for v in rangee] + [""]
        if i == 0:  # retour à la ligne dans une cellule : Alt+Entrée dans Excel
            cellules[j_intitule] = cellules[j_intitule] + "\r\n(deux séances par semaine)"
            cellules[-1] = "pièces reçues\r\nle 12/10"
        w.writerow(cellules)
    total = [""] * len(entetes)
    total[0] = "TOTAL"
    for j, s in _sommes(cols, rangees).items():
        total[j] = texte(s)
    w.writerow(total)
    # Windows-1252 n'a ni l'espace fine insécable ni les coches « ✓ » « ✔ » (Excel écrirait « ? ») : dans
    # ce CSV, l'espace est insécable et la case est cochée « x ».
    chemin.write_bytes(sortie.getvalue().replace(NNBSP, NBSP).replace("✓", "x").replace("✔", "x").encode("cp1252"))
    return chemin


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convertir(source: Path, format_: str, dossier: Path) -> Path:
    """Aller-retour par LibreOffice (``soffice --headless --convert-to``)."""
    dossier.mkdir(parents=True, exist_ok=True)
    profil = dossier / "profil"
    subprocess.run([soffice(), f"-env:UserInstallation=file://{profil}", "--headless",
                    "--convert-to", format_, "--outdir", str(dossier), str(source)],
                   check=True, capture_output=True, timeout=180)
    return dossier / (source.stem + "." + format_)
