"""Les cellules fusionnées du tableau, telles que l'API Book d'xlwings les dit.

Dans Excel (poste de travail), ``Range.merge_cells`` dit si une plage contient des fusions et
``Range.merge_area`` donne la zone fusionnée d'une cellule : le bouton les applique comme la
ligne de commande (une valeur fusionnée vaut pour chaque ligne qu'elle couvre). Le Book distant
(xlwings Server, Excel web) ne les dit pas en lecture synchrone : aucune fusion n'est alors
connue (écart documenté dans classeurs/README.md).
"""

from __future__ import annotations

from typing import Any

from cdv_regles.adresses import adresse_a1, decouper_a1
from cdv_regles.lecture.table import Fusion

#: Cellules vides examinées au plus (un appel à Excel chacune) : au-delà, les suivantes sont lues
#: sans fusion.
SONDES_MAX = 5_000


def fusions(feuille: Any, valeurs: list[list[Any]], ligne: int, colonne: int) -> list[Fusion]:
    """Zones fusionnées de la grille ``valeurs`` (coin haut-gauche : ``ligne``, ``colonne``, en
    numéros Excel), en coordonnées 0-based de la feuille comme calamine ; [] si l'API ne sait pas."""
    if not valeurs or not valeurs[0]:
        return []
    try:
        plage = feuille.range(adresse_a1(colonne - 1, ligne) + ":"
                              + adresse_a1(colonne - 2 + len(valeurs[0]), ligne + len(valeurs) - 1))
        if plage.merge_cells is False:
            return []  # rien de fusionné : un seul appel
    except Exception:  # Book distant, ou moteur qui ne dit pas les fusions
        return []
    trouvees: list[Fusion] = []
    couvertes: set[tuple[int, int]] = set()
    sondes = 0
    for i, rangee in enumerate(valeurs):
        for j, v in enumerate(rangee):
            # Une cellule couverte par une fusion est vide, et sa voisine du dessus ou de gauche
            # est remplie ou couverte elle aussi : seules celles-là sont examinées.
            if not _vide(v) or (i, j) in couvertes:
                continue
            haut = i > 0 and (not _vide(valeurs[i - 1][j]) or (i - 1, j) in couvertes)
            gauche = j > 0 and (not _vide(rangee[j - 1]) or (i, j - 1) in couvertes)
            if not (haut or gauche) or sondes >= SONDES_MAX:
                continue
            sondes += 1
            try:
                zone = feuille.range(adresse_a1(colonne - 1 + j, ligne + i)).merge_area
                debut, _, fin = zone.address.partition(":")
            except Exception:
                return trouvees
            if not fin:
                continue
            (l0, c0), (l1, c1) = decouper_a1(debut), decouper_a1(fin)
            trouvees.append(((l0 - 1, c0), (l1 - 1, c1)))
            couvertes |= {(r - ligne, c - colonne + 1) for r in range(l0, l1 + 1)
                          for c in range(c0, c1 + 1)}
    return trouvees


def _vide(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())
