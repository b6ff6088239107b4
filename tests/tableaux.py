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
