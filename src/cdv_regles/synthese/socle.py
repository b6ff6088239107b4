"""La part du socle dans la synthèse, fournie par le hook ``cdv_regles_synthese`` comme pour un
partenaire. Exposée par ``cdv_regles.socle`` (qui l'importe) ; polars n'est chargé qu'à l'appel."""

from __future__ import annotations

from typing import Any

from cdv_regles.hookspecs import hookimpl

NOM_SOCLE = "Règles communes du Contrat de Ville"


@hookimpl
def cdv_regles_synthese(tableau: Any, constats: list[Any], contexte: Any) -> dict[str, Any]:
    """Financeurs, orientations, communes, QPV, statuts, marqueurs égalité, constats."""
    from cdv_regles.synthese import chiffres as C
    from cdv_regles.synthese import territoires as T

    parametres = contexte.parametres
    refs = contexte.referentiels
    financeurs = C.financeurs_du_referentiel(refs, tableau.columns)
    tout = tableau.with_columns(C.expr_demande(financeurs))
    exclus = C.statuts_exclus(parametres)
    df = C.retenus(tout, exclus)
    noms = {"socle": NOM_SOCLE, **{f["code"]: f["nom"] for f in financeurs}}
    parts = C.par_financeur(df, financeurs, parametres)
    return {
        "perimetre": {
            "dossiers": tout.height,
            "dossiers_retenus": df.height,
            "statuts_exclus": exclus,
            "total_demande": round(float(df["_demande"].sum() or 0.0), 2),
            "cout_total": round(float(df["cout_total"].fill_null(0.0).sum() or 0.0), 2),
            "note": ("Montants, orientations, territoires et marqueurs : dossiers dont le statut n'est "
                     f"pas {' ni '.join(exclus) or '—'} (un dossier sans statut est compté). Total "
                     "demandé d'un dossier : somme de ses demandes aux financeurs du Contrat de Ville."),
        },
        "financeurs": parts,
        "bonus_egalite": C.bonus_egalite(df),
        "orientations": C.par_orientation(df, financeurs, refs),
        "communes": T.par_commune(df, refs),
        "qpv": T.par_qpv(df, refs, parametres),
        "statuts": C.par_statut(tout, exclus, refs),
        "egalite": C.egalite(df),
        "constats": C.comptes_constats(constats, noms),
    }
