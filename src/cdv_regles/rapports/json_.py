"""Format JSON : ``{"constats": [...], "resume": {...}}`` (contrat des sorties machine)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cdv_regles.verification import Resultat


def rendre(resultat: Resultat, *, couleur: bool = False, seuil: str = "bloquant") -> str:
    del couleur
    resume = resultat.resume()
    resume["seuil_echec"] = seuil
    resume["fichier"] = resultat.tableau.chemin
    return json.dumps({"constats": [c.vers_dict() for c in resultat.constats], "resume": resume},
                      ensure_ascii=False, indent=2) + "\n"
