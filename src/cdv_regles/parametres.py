"""Paramètres datés par millésime, à la manière d'OpenFisca.

Un fichier de paramètres associe à chaque nom une description, une source et des valeurs datées :

    limite_note_intention:
      description: Date limite de dépôt de la note d'intention
      source: {document: NC2023, section: Calendrier}
      valeurs:
        2023: 2022-09-16        # à partir du millésime 2023 (jusqu'à une clé plus récente)
        2017-2021: 148275       # pour les millésimes 2017 à 2021 seulement
        2025: null              # plus de valeur à partir de 2025

``type: colonnes`` indique une liste d'identifiants de colonnes (utilisable dans ``somme(...)``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdv_regles.donnees import lire_yaml
from cdv_regles.erreurs import RegleInvalide

_PERIODE = re.compile(r"^\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?$")
TYPES_PARAMETRE = ("valeur", "colonnes")


@dataclass(frozen=True)
class Parametre:
    nom: str
    description: str
    source: dict[str, str]
    # (début, fin incluse ou None pour « jusqu'à la clé suivante », valeur)
    periodes: tuple[tuple[int, int | None, Any], ...]
    type: str = "valeur"
    chemin: str = ""
    partenaire: str = "socle"

    def valeur(self, millesime: int) -> Any:
        """La valeur en vigueur pour ``millesime``, ou None si aucune."""
        bornees = [v for d, f, v in self.periodes if f is not None and d <= millesime <= f]
        if bornees:
            return bornees[-1]
        ouvertes = [(d, v) for d, f, v in self.periodes if f is None and d <= millesime]
        return max(ouvertes, key=lambda dv: dv[0])[1] if ouvertes else None


@dataclass
class Parametres:
    """Tous les paramètres connus (socle et partenaires), par nom."""

    tous: dict[str, Parametre] = field(default_factory=dict)

    def ajouter_fichier(self, chemin: Path, partenaire: str) -> None:
        donnees = lire_yaml(chemin)
        if donnees is None:
            return
        if not isinstance(donnees, dict):
            raise RegleInvalide(str(chemin), "un fichier de paramètres est un dictionnaire nom → définition")
        for nom, definition in donnees.items():
            p = _lire_parametre(str(chemin), str(nom), definition, partenaire)
            if p.nom in self.tous:
                autre = self.tous[p.nom].chemin
                raise RegleInvalide(str(chemin), f"le paramètre « {p.nom} » est déjà défini dans {autre}")
            self.tous[p.nom] = p

    def pour(self, millesime: int) -> dict[str, Any]:
        return {nom: p.valeur(millesime) for nom, p in self.tous.items()}


def _lire_parametre(chemin: str, nom: str, definition: Any, partenaire: str) -> Parametre:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", nom):
        raise RegleInvalide(chemin, f"nom de paramètre « {nom} » invalide : minuscules, chiffres et _ seulement")
    if not isinstance(definition, dict) or "valeurs" not in definition:
        raise RegleInvalide(chemin, f"le paramètre « {nom} » doit avoir une clé « valeurs »")
    inconnues = set(definition) - {"description", "source", "valeurs", "type"}
    if inconnues:
        raise RegleInvalide(chemin, f"clé(s) inconnue(s) pour le paramètre « {nom} » : {', '.join(sorted(inconnues))}")
    type_ = definition.get("type", "valeur")
    if type_ not in TYPES_PARAMETRE:
        raise RegleInvalide(chemin, f"type « {type_} » inconnu pour « {nom} » (attendu : {', '.join(TYPES_PARAMETRE)})")
    valeurs = definition["valeurs"]
    if not isinstance(valeurs, dict) or not valeurs:
        raise RegleInvalide(chemin, f"« valeurs » de « {nom} » : attendu des périodes AAAA ou AAAA-AAAA")
    periodes = []
    for cle, valeur in valeurs.items():
        m = _PERIODE.match(str(cle))
        if not m:
            raise RegleInvalide(chemin, f"période « {cle} » invalide pour « {nom} » : écrivez 2023 ou 2017-2021")
        debut, fin = int(m[1]), int(m[2]) if m[2] else None
        if fin is not None and fin < debut:
            raise RegleInvalide(chemin, f"période « {cle} » à l'envers pour « {nom} »")
        if isinstance(valeur, dt.datetime):
            valeur = valeur.date()
        periodes.append((debut, fin, valeur))
    periodes.sort(key=lambda p: p[0])
    source = definition.get("source") or {}
    return Parametre(nom, str(definition.get("description", "")), source, tuple(periodes), type_,
                     chemin, partenaire)
