"""Le contexte d'une vérification, tel que le voit un greffon (contrôles Python, synthèse).

En lecture seule : un greffon ne peut pas changer les paramètres ou les listes vus par les
autres (dictionnaires ``MappingProxyType``, paramètres copiés pour chaque exécution).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from cdv_regles.constats import Constat
from cdv_regles.referentiels import Referentiel


@dataclass(frozen=True)
class Contexte:
    """Millésime, date de référence, paramètres en vigueur, référentiels et en-têtes des colonnes.

    ``constat(...)`` fabrique un constat dont les colonnes en cause sont aussi nommées par leur
    en-tête (ce que lit l'agent).
    """

    millesime: int
    date_reference: dt.date
    parametres: Mapping[str, Any]
    referentiels: Mapping[str, Referentiel]
    entetes: Mapping[str, str]

    @classmethod
    def creer(cls, millesime: int, date_reference: dt.date, parametres: Mapping[str, Any],
              referentiels: Mapping[str, Referentiel], entetes: Mapping[str, str]) -> Contexte:
        return cls(millesime, date_reference, MappingProxyType(copy.deepcopy(dict(parametres))),
                   MappingProxyType(dict(referentiels)), MappingProxyType(dict(entetes)))

    def constat(self, *, partenaire: str, regle: str, famille: str, gravite: str, message: str,
                dossier: str = "", ligne: int | None = None, colonnes: tuple[str, ...] = (),
                source: str = "") -> Constat:
        """Un constat de contrôle Python ; ``source`` : document et section qui le fondent
        (« NC2023, « Orientation 4 » »), affichés à l'agent avec le message."""
        colonnes = tuple(colonnes)
        return Constat(dossier, ligne, regle, famille, gravite, partenaire, colonnes, message,
                       tuple(self.entetes.get(c, c) for c in colonnes), source)
