"""Format JSON : ``{"constats": [...], "resume": {...}}`` (contrat des sorties machine)."""

from __future__ import annotations

import json
import re
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cdv_regles.verification import Resultat


def rendre(resultat: Resultat, *, couleur: bool = False, seuil: str = "bloquant") -> str:
    del couleur
    resume = resultat.resume()
    resume["seuil_echec"] = seuil
    resume["fichier"] = resultat.tableau.chemin
    from cdv_regles.rapports.lecture import lecture

    texte = indente({"lecture": lecture(resultat), "constats": [c.vers_dict() for c in resultat.constats],
                     "resume": resume})
    # json échappe C0 ; on échappe aussi C1, DEL, U+2028/2029 et les contrôles de direction
    # (\uXXXX : la donnée reste exacte, aucun caractère de contrôle brut n'est écrit).
    return _CONTROLES.sub(lambda m: f"\\u{ord(m.group(0)):04x}", texte) + "\n"


_CONTROLES = re.compile("[\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def indente(objet: Any) -> str:
    """Le texte exact de ``json.dumps(objet, ensure_ascii=False, indent=2)``, en plus rapide.

    Avec ``indent``, la bibliothèque standard (Python < 3.13) prend son encodeur en Python pur,
    générateur par générateur : 0,5 s pour les 34 000 constats de 50 000 dossiers. Ici les
    dictionnaires et listes sont parcourus directement et les textes encodés par la fonction C
    de ``json`` ; toute autre valeur (nombre à virgule, type inattendu) passe par ``json.dumps``
    lui-même. tests/test_rapports_identiques.py vérifie l'égalité octet pour octet.
    """
    morceaux: list[str] = []
    _ecrire(objet, 0, morceaux)
    return "".join(morceaux)


_CLES: dict[str, str] = {}
"""Clés déjà encodées (``"cle": ``) : les mêmes neuf clés reviennent à chaque constat."""


def _ecrire(v: Any, niveau: int, out: list[str]) -> None:
    t = type(v)
    if t is str:
        out.append(encode_basestring(v))
    elif v is None:
        out.append("null")
    elif v is True:
        out.append("true")
    elif v is False:
        out.append("false")
    elif t is int:
        out.append(int.__repr__(v))
    elif t is dict and all(type(k) is str for k in v):
        if not v:
            out.append("{}")
            return
        dedans = "\n" + "  " * (niveau + 1)
        sep = "{" + dedans
        for k, x in v.items():
            cle = _CLES.get(k) or _CLES.setdefault(k, encode_basestring(k) + ": ")
            if type(x) is str:  # le cas courant, sans appel récursif
                out.append(sep + cle + encode_basestring(x))
            else:
                out.append(sep + cle)
                _ecrire(x, niveau + 1, out)
            sep = "," + dedans
        out.append("\n" + "  " * niveau + "}")
    elif t is list or t is tuple:
        if not v:
            out.append("[]")
            return
        dedans = "\n" + "  " * (niveau + 1)
        sep = "[" + dedans
        for x in v:
            if type(x) is str:
                out.append(sep + encode_basestring(x))
            else:
                out.append(sep)
                _ecrire(x, niveau + 1, out)
            sep = "," + dedans
        out.append("\n" + "  " * niveau + "]")
    else:
        # Même texte que json.dumps à ce niveau : ses retours à la ligne sont les seuls du texte
        # (les chaînes JSON n'en contiennent jamais de bruts), on les décale du niveau courant.
        texte = json.dumps(v, ensure_ascii=False, indent=2)
        out.append(texte.replace("\n", "\n" + "  " * niveau) if niveau else texte)
