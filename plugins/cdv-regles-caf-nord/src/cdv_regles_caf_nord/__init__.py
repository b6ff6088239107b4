"""Greffon cdv-regles de la CAF du Nord : ses demandes relèvent de ses quatre missions (PROT2019),
rapportées aux orientations du Contrat de Ville par le paramètre ``caf_orientations``."""

from __future__ import annotations

from cdv_regles.api import GreffonPartenaire

greffon = GreffonPartenaire("caf-nord", "CAF du Nord", __file__)
