"""Écrire un tableau d'essai (TableBrute construite par ``cdv_regles.exemples``) en .xlsx."""

from __future__ import annotations

from pathlib import Path

from cdv_regles.lecture import TableBrute


def ecrire_xlsx(table: TableBrute, chemin: Path) -> Path:
    """Feuille « Programmation » : la ligne d'en-têtes puis une ligne par dossier."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Programmation"
    ws.append(table.entetes)
    for ligne in table.lignes:
        ws.append(ligne)
    wb.save(chemin)
    return chemin


def ecrire_csv(table: TableBrute, chemin: Path) -> Path:
    """Le même tableau en CSV (point-virgule, UTF-8) : il peut porter des caractères qu'un .xlsx refuse."""
    import csv

    with chemin.open("w", encoding="utf-8", newline="") as f:
        ecrire = csv.writer(f, delimiter=";")
        ecrire.writerow(table.entetes)
        ecrire.writerows(table.lignes)
    return chemin
