"""Greffon cdv-regles de l'État (politique de la ville, programme 147).

- règle YAML ``ETAT-ORIENTATION-1`` : les crédits demandés à l'État et leur part sur l'orientation 1
  (« renforcer le pilier développement économique et emploi », NC2023) ;
- contrôle Python ``ETAT-PRIORITES-2023`` (``priorites.py``) : les actions qui relèvent des
  priorités 2023 de l'État, repérées par mots-clés (le langage des règles n'a pas de recherche
  de texte) ;
- synthèse pour le comité (``synthese.py``) : répartition des crédits État par orientation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cdv_regles.hookspecs import hookimpl
from cdv_regles.socle import fichiers_du_millesime

CODE = "etat"
NOM = "État (politique de la ville)"
_REGLES = Path(__file__).parent / "regles"


@hookimpl
def cdv_regles_partenaire() -> dict[str, str]:
    return {"code": CODE, "nom": NOM}


@hookimpl
def cdv_regles_fichiers_regles(millesime: int) -> list[Path]:
    return fichiers_du_millesime(_REGLES, millesime)


@hookimpl
def cdv_regles_fichiers_parametres() -> list[Path]:
    return [_REGLES / "parametres.yaml"]


@hookimpl
def cdv_regles_controles(tableau: Any, contexte: Any) -> list[Any]:
    from cdv_regles_etat.priorites import controler_priorites

    return controler_priorites(tableau, contexte)


@hookimpl
def cdv_regles_synthese(tableau: Any, constats: list[Any], contexte: Any) -> dict[str, Any]:
    from cdv_regles_etat.synthese import synthese_etat

    return synthese_etat(tableau, constats, contexte)
