"""Aperçu des premières lignes d'une feuille xlsx, pour ne pas charger une feuille sans tableau.

calamine charge une feuille entière avant qu'on puisse y chercher la ligne d'en-têtes : une
feuille de quelques Mo compressés peut contenir des centaines de Mo de cellules. Ici on lit en
flux le début de son XML (les ``2 × LIGNES_ENTETE_MAX`` premières lignes non vides, au plus
``_OCTETS_MAX`` octets décompressés), puis les seules chaînes partagées qu'elles citent. Si
l'ensemble de ces textes ne contient même pas ``ENTETES_MIN`` en-têtes du contrat, aucune de
ces lignes ne peut être la ligne d'en-têtes : la feuille n'est pas chargée.

Le jugement est prudent : au moindre doute (XML inhabituel, lignes dans le désordre, aperçu
trop long), la feuille est confiée à calamine comme avant.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from xml.parsers import expat

from cdv_regles.lecture.limites import LIGNES_ENTETE_MAX, MO, MORCEAU

_OCTETS_MAX = 16 * MO  # au-delà, l'aperçu renonce (la feuille sera lue par calamine)
_FENETRE = 2 * LIGNES_ENTETE_MAX  # marge : calamine compte les lignes depuis sa première cellule


class _Fin(Exception):
    """Assez lu."""


class _Doute(Exception):
    """Le XML sort de l'ordinaire : pas de jugement."""


@dataclass
class Apercu:
    """Textes des premières lignes d'une feuille ; ``indices`` : chaînes partagées citées."""

    textes: list[str] = field(default_factory=list)
    indices: set[int] = field(default_factory=set)
    valeurs: bool = False  # au moins une cellule remplie (sinon la feuille est peut-être vide)


def _local(nom: str) -> str:
    return nom.rsplit(":", 1)[-1]


def _analyseur() -> expat.XMLParserType:
    p = expat.ParserCreate()
    p.buffer_text = True

    def refuser(*_: object) -> None:
        raise _Doute

    # Pas de DTD ni d'entité : le parcours complet (defusedxml, calamine) dira pourquoi.
    p.StartDoctypeDeclHandler = refuser
    p.EntityDeclHandler = refuser
    return p


def _nourrir(zf: zipfile.ZipFile, membre: str, p: expat.XMLParserType, plafond: int) -> None:
    lus = 0
    with zf.open(membre) as flux:
        while morceau := flux.read(min(MORCEAU, 256 * 1024)):
            lus += len(morceau)
            if lus > plafond:
                raise _Doute
            p.Parse(morceau, False)
    p.Parse(b"", True)


def apercu_feuille(zf: zipfile.ZipFile, membre: str) -> Apercu | None:
    """Les textes des premières lignes de la feuille, ou None si l'aperçu ne peut conclure."""
    apercu = Apercu()
    etat = {"ligne": 0, "premiere": None, "type": "", "dans_v": False, "dans_is": False,
            "phonetique": False, "texte": []}
    p = _analyseur()

    def debut(nom: str, attributs: dict[str, str]) -> None:
        n = _local(nom)
        if n == "row":
            r = attributs.get("r")
            ligne = int(r) if r and r.isdigit() else etat["ligne"] + 1
            if ligne <= etat["ligne"]:
                raise _Doute  # lignes dans le désordre : calamine les remettrait en ordre
            etat["ligne"] = ligne
            if etat["premiere"] is not None and ligne >= etat["premiere"] + _FENETRE:
                raise _Fin
        elif n == "c":
            etat["type"] = attributs.get("t", "n")
        elif n == "v":
            etat["dans_v"], etat["texte"] = True, []
        elif n == "is":
            etat["dans_is"], etat["texte"] = True, []
        elif n == "rPh":
            etat["phonetique"] = True  # texte phonétique : pas une valeur de la cellule

    def fin(nom: str) -> None:
        n = _local(nom)
        if n == "rPh":
            etat["phonetique"] = False
        elif n == "v" and etat["dans_v"]:
            etat["dans_v"] = False
            texte = "".join(etat["texte"])
            if texte:
                _valeur(texte)
                if etat["type"] == "s":
                    try:
                        apercu.indices.add(int(texte))
                    except ValueError:
                        raise _Doute from None
                elif etat["type"] in ("str", "inlineStr"):
                    apercu.textes.append(texte)
        elif n == "is":
            etat["dans_is"] = False
            texte = "".join(etat["texte"])
            if texte:
                _valeur(texte)
                apercu.textes.append(texte)

    def _valeur(texte: str) -> None:
        apercu.valeurs = True
        if etat["premiere"] is None and texte.strip():
            etat["premiere"] = etat["ligne"]

    def caracteres(donnees: str) -> None:
        if etat["dans_v"] or (etat["dans_is"] and not etat["phonetique"]):
            etat["texte"].append(donnees)

    p.StartElementHandler, p.EndElementHandler = debut, fin
    p.CharacterDataHandler = caracteres
    try:
        _nourrir(zf, membre, p, _OCTETS_MAX)
    except _Fin:
        pass
    except Exception:  # XML piégé ou abîmé, encodage inconnu… : le parcours complet le dira
        return None
    return apercu


def chaines_citees(zf: zipfile.ZipFile, membre: str, indices: set[int],
                   plafond: int) -> dict[int, str] | None:
    """Les chaînes partagées d'indices ``indices`` (lues jusqu'à la plus grande, sur au plus
    ``plafond`` octets décompressés), ou None."""
    if not indices:
        return {}
    dernier = max(indices)
    trouvees: dict[int, str] = {}
    etat = {"i": -1, "dans_si": False, "dans_t": False, "phonetique": False, "texte": []}
    p = _analyseur()

    def debut(nom: str, _attributs: dict[str, str]) -> None:
        n = _local(nom)
        if n == "si":
            etat["i"] += 1
            if etat["i"] > dernier:
                raise _Fin
            etat["dans_si"], etat["texte"] = True, []
        elif n == "rPh":
            etat["phonetique"] = True
        elif n == "t" and etat["dans_si"] and not etat["phonetique"]:
            etat["dans_t"] = True

    def fin(nom: str) -> None:
        n = _local(nom)
        if n == "t":
            etat["dans_t"] = False
        elif n == "rPh":
            etat["phonetique"] = False
        elif n == "si":
            etat["dans_si"] = False
            if etat["i"] in indices:
                trouvees[etat["i"]] = "".join(etat["texte"])

    def caracteres(donnees: str) -> None:
        if etat["dans_t"]:
            etat["texte"].append(donnees)

    p.StartElementHandler, p.EndElementHandler = debut, fin
    p.CharacterDataHandler = caracteres
    try:
        _nourrir(zf, membre, p, plafond)
    except _Fin:
        pass
    except Exception:  # XML piégé ou abîmé, encodage inconnu… : le parcours complet le dira
        return None
    return trouvees


def sans_entete(apercu: Apercu, chaines: dict[int, str]) -> bool:
    """Vrai si aucune ligne de l'aperçu ne peut porter ``ENTETES_MIN`` en-têtes du contrat."""
    from cdv_regles.lecture.entete import index_contrat, reconnus
    from cdv_regles.lecture.limites import ENTETES_MIN

    if not apercu.valeurs:
        return False  # feuille peut-être vide : calamine le dira (« feuilles vides »)
    textes = apercu.textes + [chaines.get(i, "") for i in apercu.indices]
    return reconnus(textes, index_contrat()) < ENTETES_MIN
