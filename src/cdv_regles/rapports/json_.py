"""Format JSON : ``{"constats": [...], "resume": {...}}`` (contrat des sorties machine)."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cdv_regles.verification import Resultat


def rendre(resultat: Resultat, *, couleur: bool = False, seuil: str = "bloquant") -> str:
    del couleur
    resume = resultat.resume()
    resume["seuil_echec"] = seuil
    resume["fichier"] = resultat.tableau.chemin
    from cdv_regles.rapports.lecture import lecture

    texte = json.dumps({"lecture": lecture(resultat), "constats": [c.vers_dict() for c in resultat.constats],
                        "resume": resume}, ensure_ascii=False, indent=2)
    # json échappe C0 ; on échappe aussi C1, DEL, U+2028/2029 et les contrôles de direction
    # (\uXXXX : la donnée reste exacte, aucun caractère de contrôle brut n'est écrit).
    return _CONTROLES.sub(lambda m: f"\\u{ord(m.group(0)):04x}", texte) + "\n"


_CONTROLES = re.compile("[\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
