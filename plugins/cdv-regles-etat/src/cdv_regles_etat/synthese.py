"""Synthèse pour le comité : les crédits demandés à l'État, leur part sur l'orientation 1 et les
dossiers qui relèvent de ses priorités de l'année.

Forme attendue par ``cdv-regles synthese`` : ``{titre: contenu}`` ; les clés qui contiennent
``montant`` sont des euros, celles qui commencent par ``part`` des fractions (0,41 → 41 %).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from cdv_regles.api import Constat, Contexte
from cdv_regles_etat.priorites import REGLE, dossiers_etat, reperages

if TYPE_CHECKING:
    import polars as pl

TITRE = "État (politique de la ville) : crédits demandés"


def _libelles_orientations(contexte: Contexte) -> dict[int, str]:
    ref = contexte.referentiels.get("orientations")
    if ref is None:
        return {}
    return {int(d["numero"]): f"{d['numero']} - {d['libelle']}" for d in ref.details if "numero" in d}


def synthese_etat(tableau: pl.DataFrame, constats: list[Constat], contexte: Contexte) -> dict[str, Any]:
    import polars as pl

    df = dossiers_etat(tableau, contexte.parametres)
    total = float(df["montant_etat"].sum() or 0)
    libelles = _libelles_orientations(contexte)
    par_orientation = []
    for orientation, montant, dossiers in (
            df.group_by("orientation").agg(pl.col("montant_etat").sum(), pl.len())
            .sort("orientation", nulls_last=True).iter_rows()):
        par_orientation.append({
            "orientation": libelles.get(orientation, str(orientation)) if orientation is not None
            else "non renseignée",
            "dossiers": dossiers, "montant": float(montant),
            "part": float(montant) / total if total else None})
    orientation_1 = sum(float(m) for o, m in df.select("orientation", "montant_etat").iter_rows() if o == 1)
    themes = Counter(reperages(tableau, contexte.parametres)["trouves"].explode().struct.field("groupe")
                     .drop_nulls().to_list())
    return {TITRE: {
        "dossiers": df.height,
        "montant_demande": total,
        "montant_orientation_1": orientation_1,
        "part_orientation_1": orientation_1 / total if total else None,
        "dossiers_priorites": len({c.dossier for c in constats if c.regle == REGLE}),
        "note": ("Dossiers qui sollicitent l'État, hors statuts refusé et abandonné. Les crédits "
                 "politique de la ville de l'État doivent renforcer le pilier « développement "
                 "économique et emploi » (orientation 1, note de cadrage)."),
        "par_orientation": par_orientation,
        "priorites": [{"priorite": t, "dossiers": n} for t, n in sorted(themes.items())],
    }}
