"""Greffon cdv-regles de l'État (politique de la ville, programme 147).

- règle YAML ``ETAT-ORIENTATION-1`` : les crédits demandés à l'État et leur part sur l'orientation 1
  (« renforcer le pilier développement économique et emploi », NC2023) ;
- contrôle Python ``ETAT-PRIORITES-2023`` (``priorites.py``, exemple du hook
  ``cdv_regles_controles``) : les actions qui relèvent des priorités 2023 de l'État, repérées par
  mots-clés dans plusieurs colonnes, avec le mot trouvé dans le message ;
- synthèse pour le comité (``synthese.py``) : répartition des crédits État par orientation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cdv_regles.api import Constat, Contexte, GreffonPartenaire, hookimpl

if TYPE_CHECKING:
    import polars as pl


class GreffonEtat(GreffonPartenaire):
    @hookimpl
    def cdv_regles_controles(self, tableau: pl.DataFrame, contexte: Contexte) -> list[Constat]:
        from cdv_regles_etat.priorites import controler_priorites

        return controler_priorites(tableau, contexte)

    @hookimpl
    def cdv_regles_synthese(self, tableau: pl.DataFrame, constats: list[Constat],
                            contexte: Contexte) -> dict[str, Any]:
        from cdv_regles_etat.synthese import synthese_etat

        return synthese_etat(tableau, constats, contexte)


greffon = GreffonEtat("etat", "État (politique de la ville)", __file__)
