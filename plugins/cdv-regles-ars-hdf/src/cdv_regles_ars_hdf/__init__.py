"""Greffon cdv-regles de l'ARS Hauts-de-France : ses demandes portent sur des actions de santé
(orientation 2)."""

from __future__ import annotations

from cdv_regles.api import GreffonPartenaire

greffon = GreffonPartenaire("ars-hdf", "ARS Hauts-de-France", __file__)
