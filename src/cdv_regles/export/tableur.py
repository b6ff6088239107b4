"""CSV sûr à ouvrir dans un tableur : aucune cellule ne peut y devenir une formule.

Excel et LibreOffice interprètent une cellule de CSV qui commence par ``=``, ``+``, ``-`` ou ``@``
(et, selon les versions, par une tabulation ou un retour chariot) comme une formule : un intitulé
« =HYPERLINK(...) » saisi par un porteur deviendrait un lien actif chez chaque lecteur du fichier
publié. Méthode retenue (celle que recommande l'OWASP, « CSV Injection ») : une telle cellule est
précédée d'une apostrophe, que le tableur affiche et qui rend la cellule inerte. Les variantes
pleine chasse (« ＝ », « ＋ », « － », « ＠ ») sont traitées de même.

Les nombres écrits par l'export (montants, pourcentages) sont positifs : ils ne commencent jamais
par un de ces caractères et ne sont donc jamais modifiés.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence

from cdv_regles.affichage import visible

DECLENCHEURS = frozenset("=+-@\t\r\n＝＋－＠")
PREFIXE = "'"

_BLANCS = re.compile(r"\s+")


def neutraliser(texte: str) -> str:
    """Le texte, précédé d'une apostrophe s'il commence comme une formule ; sinon inchangé."""
    if texte and texte[0] in DECLENCHEURS:
        return PREFIXE + texte
    return texte


def texte_publie(texte: str) -> str:
    """Texte d'une cellule publiée : espaces, tabulations et retours à la ligne réduits à une
    espace ; les autres caractères de contrôle montrés (ESC → « ␛ »)."""
    return visible(_BLANCS.sub(" ", texte).strip())


def en_csv(champs: Sequence[str], lignes: Iterable[Mapping[str, str]]) -> bytes:
    """Le CSV en UTF-8 (sans BOM), séparateur virgule, guillemets doubles au besoin, fins de ligne CRLF.

    Chaque cellule passe par :func:`neutraliser`, quel que soit le champ.
    """
    tampon = io.StringIO(newline="")
    ecrivain = csv.writer(tampon, delimiter=",", quotechar='"', quoting=csv.QUOTE_MINIMAL,
                          lineterminator="\r\n")
    ecrivain.writerow(champs)
    for ligne in lignes:
        ecrivain.writerow([neutraliser(ligne.get(c, "")) for c in champs])
    return tampon.getvalue().encode("utf-8")
