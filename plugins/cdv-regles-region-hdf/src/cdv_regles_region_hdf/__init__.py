"""Greffon cdv-regles de la Région Hauts-de-France : ses demandes relèvent de ses priorités
(orientations 1 et 3, ou dispositif « Quartiers d'été ») ; une action « Quartiers d'été » se
déroule pendant la période estivale. Déclare aussi l'enveloppe SREI 2017-2021 (PROT2019)."""

from __future__ import annotations

from cdv_regles.api import GreffonPartenaire

greffon = GreffonPartenaire("region-hdf", "Région Hauts-de-France", __file__)
