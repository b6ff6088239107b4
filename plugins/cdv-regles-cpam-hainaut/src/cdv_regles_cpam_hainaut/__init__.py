"""Greffon cdv-regles de la CPAM du Hainaut : ses demandes portent sur des actions de santé
(orientation 2)."""

from __future__ import annotations

from cdv_regles.api import GreffonPartenaire

greffon = GreffonPartenaire("cpam-hainaut", "CPAM du Hainaut", __file__)
