"""Greffon cdv-regles de Valenciennes Métropole comme financeur : recentrage de ses crédits
intercommunaux (orientations 1, 2 et 5), aucun crédit pour un projet centré exclusivement sur la
culture, conditions propres au bonus égalité expérimental 2023."""

from __future__ import annotations

from cdv_regles.api import GreffonPartenaire

greffon = GreffonPartenaire("valenciennes-metropole", "Valenciennes Métropole", __file__)
