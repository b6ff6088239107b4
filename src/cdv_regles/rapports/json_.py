"""Format JSON : ``{"constats": [...], "resume": {...}}`` (contrat des sorties machine)."""

from __future__ import annotations

import json
import re
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any

from cdv_regles.affichage import imprimable

if TYPE_CHECKING:
    from cdv_regles.constats import Constat
    from cdv_regles.verification import Resultat


def rendre(resultat: Resultat, *, couleur: bool = False, seuil: str = "bloquant") -> str:
    del couleur
    resume = resultat.resume()
    resume["seuil_echec"] = seuil
    resume["fichier"] = resultat.tableau.chemin
    from cdv_regles.rapports.lecture import lecture

    # Le texte de json.dumps({"lecture": …, "constats": […], "resume": …}, indent=2) : les
    # constats, qui sont presque tout le rapport, par leur gabarit (voir _constats).
    # Un seul assemblage final : le rapport fait des dizaines de Mo, chaque copie se paie.
    morceaux = ['{\n  "lecture": ', _echapper(indente(lecture(resultat), 1)), ',\n  "constats": ']
    _constats(resultat.constats, morceaux)
    morceaux += [',\n  "resume": ', _echapper(indente(resume, 1)), "\n}\n"]
    return "".join(morceaux)


# json échappe C0 ; on échappe aussi C1, DEL, U+2028/2029 et les contrôles de direction
# (\uXXXX : la donnée reste exacte, aucun caractère de contrôle brut n'est écrit).
_CONTROLES = re.compile("[\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _echapper(texte: str) -> str:
    # isascii() est immédiat (CPython le sait de chaque texte) ; tout caractère à échapper est
    # non imprimable : seul un texte qui en a un est cherché (affichage.imprimable).
    if texte.isascii() or imprimable(texte):
        return texte
    return _CONTROLES.sub(lambda m: f"\\u{ord(m.group(0)):04x}", texte)


def _chaine(texte: str) -> str:
    """Une chaîne JSON, échappée comme tout le rapport."""
    return _echapper(encode_basestring(texte))


def _constats(constats: list[Constat], out: list[str]) -> None:
    """La liste des constats au niveau 1, au texte près celui d'``indente`` : un constat a
    toujours les mêmes clés, écrit par un gabarit plutôt que parcouru comme un dictionnaire ;
    ce qui revient d'un constat à l'autre (règle, colonnes, source) n'est encodé qu'une fois.
    Un constat de forme inattendue (ligne ni entière ni nulle, texte qui n'en est pas un, venus
    d'un greffon) passe par le chemin générique."""
    if not constats:
        out.append("[]")
        return
    regles: dict[tuple[str, str, str, str], str] = {}
    colonnes: dict[tuple[str, ...], str] = {}
    sources: dict[str, str] = {}
    sep = "[" + _A4
    for c in constats:
        try:
            ligne = c.ligne
            if ligne is None:
                ligne_json = "null"
            elif type(ligne) is int:
                ligne_json = int.__repr__(ligne)
            else:
                raise TypeError
            cle = (c.regle, c.famille, c.gravite, c.partenaire)
            regle = regles.get(cle)
            if regle is None:
                regle = regles[cle] = (f'"regle": {_chaine(c.regle)},{_A6}"famille": {_chaine(c.famille)},{_A6}'
                                       f'"gravite": {_chaine(c.gravite)},{_A6}"partenaire": {_chaine(c.partenaire)}')
            entetes = tuple(c.entetes)
            cols = colonnes.get(entetes)
            if cols is None:
                cols = colonnes[entetes] = (
                    "[" + _A8 + ("," + _A8).join(map(_chaine, entetes)) + _A6 + "]" if entetes else "[]")
            source = sources.get(c.source)
            if source is None:
                source = sources[c.source] = _chaine(c.source)
            dossier = encode_basestring(c.dossier)
            if not dossier.isascii():
                dossier = _echapper(dossier)
            message = _echapper(encode_basestring(c.message))
            texte = (f'{{{_A6}"dossier": {dossier},{_A6}"ligne": {ligne_json},{_A6}{regle},'
                     f'{_A6}"colonnes": {cols},{_A6}"message": {message},{_A6}"source": {source}{_A4}}}')
        except TypeError:
            texte = _echapper(indente(c.vers_dict(), 2))
        out += (sep, texte)
        sep = "," + _A4
    out.append(_A2 + "]")


_A2, _A4, _A6, _A8 = ("\n" + " " * n for n in (2, 4, 6, 8))


def indente(objet: Any, niveau: int = 0) -> str:
    """Le texte exact de ``json.dumps(objet, ensure_ascii=False, indent=2)``, en plus rapide ;
    ``niveau`` : tel qu'il s'écrit à cette profondeur dans un objet plus grand.

    Avec ``indent``, la bibliothèque standard (Python < 3.13) prend son encodeur en Python pur,
    générateur par générateur : 0,5 s pour les 34 000 constats de 50 000 dossiers. Ici les
    dictionnaires et listes sont parcourus directement et les textes encodés par la fonction C
    de ``json`` ; toute autre valeur (nombre à virgule, type inattendu) passe par ``json.dumps``
    lui-même. tests/test_rapports_identiques.py vérifie l'égalité octet pour octet.
    """
    morceaux: list[str] = []
    _ecrire(objet, niveau, morceaux)
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
