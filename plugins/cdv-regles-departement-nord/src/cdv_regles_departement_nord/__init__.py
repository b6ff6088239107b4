"""Greffon cdv-regles du Département du Nord : ses financements éducatifs (orientation 4, PEDC)
vont aux projets portés par un collège."""

from __future__ import annotations

from cdv_regles.api import GreffonPartenaire

greffon = GreffonPartenaire("departement-nord", "Département du Nord", __file__)
