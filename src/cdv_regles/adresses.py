"""Adresses de cellules Excel : lettres de colonne et notation A1.

Une seule convention ici, celle de calamine et des listes Python : colonnes comptées à partir
de 0 (0 → « A »), lignes numérotées comme dans la feuille (à partir de 1). Le code qui compte
les colonnes à partir de 1 (xlwings, openpyxl) retranche 1 à l'appel.
"""

from __future__ import annotations

import re

_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]+)$")


def lettres_colonne(colonne0: int) -> str:
    """Lettres Excel d'une colonne comptée à partir de 0 : 0 → « A », 26 → « AA »."""
    n, lettres = colonne0 + 1, ""
    while n > 0:
        n, reste = divmod(n - 1, 26)
        lettres = chr(65 + reste) + lettres
    return lettres


def numero_colonne(lettres: str | bytes) -> int:
    """Colonne (à partir de 0) de lettres Excel : « A » → 0, « ab » → 27."""
    n = 0
    for c in lettres.upper().encode() if isinstance(lettres, str) else lettres.upper():
        n = n * 26 + (c - 64)
    return n - 1


def adresse_a1(colonne0: int, ligne1: int) -> str:
    """Adresse Excel d'une cellule : (0, 1) → « A1 », (27, 5) → « AB5 »."""
    return f"{lettres_colonne(colonne0)}{ligne1}"


def decouper_a1(adresse: str) -> tuple[int, int]:
    """« C5 », « $C$5 » ou « Programmation!$C$5 » → (ligne 5, colonne0 2).

    Lève ValueError pour une adresse illisible.
    """
    m = _A1.match(adresse.rsplit("!", 1)[-1])
    if not m:
        raise ValueError(f"adresse de cellule illisible : {adresse!r}")
    return int(m.group(2)), numero_colonne(m.group(1))
