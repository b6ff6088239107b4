"""Les chiffres du socle pour le comité, calculés en bloc sur le tableau typé (polars).

Décisions (la spécification est muette) :

- **Dossiers comptés.** Les montants, orientations, territoires et marqueurs portent sur les
  dossiers « retenus » : ceux dont le statut n'est pas dans le paramètre
  ``statuts_structure_seule`` (Refusé, Abandonné en 2023), comme la règle BUD-ENVELOPPE. Un
  dossier sans statut est retenu (il reste à instruire). La répartition par statut, elle, compte
  tous les dossiers.
- **Demande à un financeur.** La colonne du financeur (référentiel ``financeurs``) ; un dossier
  compte pour un financeur s'il lui demande plus de 0 €. Le bonus égalité est donné à part
  (l'enveloppe de Valenciennes Métropole se compare, comme dans BUD-ENVELOPPE, à sa seule colonne).
- **Total demandé d'un dossier.** Somme des demandes aux financeurs du Contrat de Ville (les
  colonnes du référentiel ``financeurs``), hors communes, fonds propres et autres produits.
- **Marqueurs égalité.** Le marqueur déclaré dans le tableau (la cohérence avec les critères est
  l'affaire de la règle EGA-MARQUEUR-COHERENT).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import polars as pl

from cdv_regles.constats import GRAVITES, Constat
from cdv_regles.referentiels import cle_nom

LIBELLES_MARQUEUR = {
    "2": "Marqueur 2 : action dédiée à la promotion de l'égalité",
    "1": "Marqueur 1 : égalité intégrée de façon transversale",
    "0": "Marqueur 0 : égalité non intégrée de façon transversale",
    "non_renseigne": "Marqueur non renseigné",
    "autre": "Valeur hors 0, 1, 2",
}
NON_RENSEIGNE = "Non renseigné"


def statuts_exclus(parametres: dict[str, Any]) -> list[str]:
    return [str(s) for s in (parametres.get("statuts_structure_seule") or [])]


def retenus(tableau: pl.DataFrame, exclus: list[str]) -> pl.DataFrame:
    """Les dossiers comptés dans les montants : statut vide ou hors ``exclus``."""
    if not exclus:
        return tableau
    return tableau.filter(pl.col("statut").is_null() | ~pl.col("statut").is_in(exclus))


def financeurs_du_referentiel(referentiels: Any, colonnes: list[str]) -> list[dict[str, str]]:
    """Les financeurs (code, clé, nom, colonne) dont la colonne existe dans le tableau."""
    if "financeurs" not in referentiels:
        return []
    return [{k: str(f[k]) for k in ("code", "cle", "nom", "colonne")}
            for f in referentiels["financeurs"].details if str(f.get("colonne")) in colonnes]


def expr_demande(financeurs: list[dict[str, str]]) -> pl.Expr:
    """Total demandé aux financeurs du Contrat de Ville, par dossier (vide compté 0)."""
    if not financeurs:
        return pl.lit(0.0).alias("_demande")
    return pl.sum_horizontal([pl.col(f["colonne"]).fill_null(0.0) for f in financeurs]).alias("_demande")


def _euros(x: Any) -> float:
    return round(float(x or 0.0), 2)


def _enveloppe(valeur: Any) -> float | None:
    if isinstance(valeur, bool) or not isinstance(valeur, int | float):
        return None
    return float(valeur)


def par_financeur(df: pl.DataFrame, financeurs: list[dict[str, str]], parametres: dict[str, Any]) -> list[dict]:
    """Total demandé et nombre de dossiers par financeur, face à son enveloppe du millésime."""
    if not financeurs:
        return []
    exprs = []
    for i, f in enumerate(financeurs):
        col = pl.col(f["colonne"])
        exprs += [col.fill_null(0.0).sum().alias(f"t{i}"), (col > 0).fill_null(False).sum().alias(f"n{i}")]
    ligne = df.select(exprs).row(0, named=True)
    sortie = []
    for i, f in enumerate(financeurs):
        total = _euros(ligne[f"t{i}"])
        enveloppe = _enveloppe(parametres.get(f"enveloppe_{f['cle']}"))
        entree: dict[str, Any] = {**f, "total_demande": total, "dossiers": int(ligne[f"n{i}"]),
                                  "enveloppe": enveloppe, "ecart_enveloppe": None,
                                  "taux_enveloppe": None, "enveloppe_depassee": None}
        if enveloppe is not None:
            entree["ecart_enveloppe"] = _euros(enveloppe - total)  # négatif : dépassement
            entree["enveloppe_depassee"] = total > enveloppe
            entree["taux_enveloppe"] = round(total / enveloppe, 4) if enveloppe > 0 else None
        sortie.append(entree)
    return sortie


def bonus_egalite(df: pl.DataFrame) -> dict[str, Any]:
    if "bonus_egalite" not in df.columns:
        return {"total_demande": 0.0, "dossiers": 0}
    ligne = df.select(pl.col("bonus_egalite").fill_null(0.0).sum().alias("t"),
                      (pl.col("bonus_egalite") > 0).fill_null(False).sum().alias("n")).row(0)
    return {"total_demande": _euros(ligne[0]), "dossiers": int(ligne[1])}


def par_orientation(df: pl.DataFrame, financeurs: list[dict[str, str]], referentiels: Any) -> list[dict]:
    """Les orientations du millésime (même sans dossier), puis les valeurs hors liste et « non renseignée »."""
    aggs = [pl.len().alias("dossiers"), pl.col("_demande").sum().alias("total_demande"),
            pl.col("cout_total").fill_null(0.0).sum().alias("cout_total")]
    aggs += [pl.col(f["colonne"]).fill_null(0.0).sum().alias(f"f_{f['cle']}") for f in financeurs]
    groupes = {r["orientation"]: r for r in df.group_by("orientation").agg(aggs).iter_rows(named=True)}
    details = referentiels["orientations"].details if "orientations" in referentiels else []
    connues = [(int(d["numero"]), str(d["libelle"])) for d in details]
    numeros = {n for n, _ in connues}
    hors = sorted(n for n in groupes if n is not None and n not in numeros)
    ordre = connues + [(n, f"Orientation {n} (hors des orientations du millésime)") for n in hors]
    if None in groupes:
        ordre.append((None, "Orientation non renseignée"))
    sortie = []
    for numero, libelle in ordre:
        g = groupes.get(numero, {})
        sortie.append({
            "numero": numero, "libelle": libelle, "dossiers": int(g.get("dossiers", 0)),
            "total_demande": _euros(g.get("total_demande")), "cout_total": _euros(g.get("cout_total")),
            "par_financeur": {f["cle"]: _euros(g.get(f"f_{f['cle']}")) for f in financeurs},
        })
    return sortie


def par_statut(tableau: pl.DataFrame, exclus: list[str], referentiels: Any) -> list[dict]:
    """Tous les dossiers par statut, dans l'ordre de la liste des statuts."""
    groupes = {r["statut"]: r for r in tableau.group_by("statut").agg(
        pl.len().alias("dossiers"), pl.col("_demande").sum().alias("total_demande")).iter_rows(named=True)}
    ordre = list(referentiels["statuts"].valeurs) if "statuts" in referentiels else []
    ordre += sorted(s for s in groupes if s is not None and s not in ordre)
    sortie = [{"statut": s, "dossiers": int(groupes.get(s, {}).get("dossiers", 0)),
               "total_demande": _euros(groupes.get(s, {}).get("total_demande")), "retenu": s not in exclus}
              for s in ordre]
    if None in groupes:
        sortie.append({"statut": NON_RENSEIGNE, "dossiers": int(groupes[None]["dossiers"]),
                       "total_demande": _euros(groupes[None]["total_demande"]), "retenu": True})
    return sortie


def egalite(df: pl.DataFrame) -> dict[str, Any]:
    """Nombre de dossiers par marqueur déclaré, et porteurs au marqueur 0."""
    cle = (pl.when(pl.col("marqueur_egalite").is_null()).then(pl.lit("non_renseigne"))
           .when(pl.col("marqueur_egalite").is_in([0, 1, 2])).then(pl.col("marqueur_egalite").cast(pl.String))
           .otherwise(pl.lit("autre")))
    comptes = dict(df.group_by(cle.alias("m")).agg(pl.len()).iter_rows())
    par_marqueur = {m: int(comptes.get(m, 0)) for m in ("2", "1", "0", "non_renseigne")}
    if comptes.get("autre"):
        par_marqueur["autre"] = int(comptes["autre"])
    zero = (
        df.filter(pl.col("marqueur_egalite") == 0)
        .with_columns(pl.col("porteur").fill_null("(porteur non renseigné)").str.strip_chars())
        .group_by("porteur").agg(pl.col("_dossier").sort(), pl.col("_ligne").sort())
    )
    porteurs = sorted(({"porteur": r["porteur"], "dossiers": list(r["_dossier"]), "lignes": list(r["_ligne"])}
                       for r in zero.iter_rows(named=True)), key=lambda p: (cle_nom(p["porteur"]), p["porteur"]))
    return {"par_marqueur": par_marqueur, "libelles": {m: LIBELLES_MARQUEUR[m] for m in par_marqueur},
            "porteurs_marqueur_0": porteurs}


def comptes_constats(constats: list[Constat], noms: dict[str, str]) -> dict[str, Any]:
    """Constats par gravité, par partenaire (et gravité) et par famille ; dossiers bloqués."""
    par_gravite = Counter(c.gravite for c in constats)
    croise = Counter((c.partenaire, c.gravite) for c in constats)
    partenaires = sorted({c.partenaire for c in constats}, key=lambda p: (p != "socle", p))
    return {
        "total": len(constats),
        "par_gravite": {g: par_gravite.get(g, 0) for g in GRAVITES},
        "par_partenaire": [
            {"partenaire": p, "nom": noms.get(p, p), **{g: croise.get((p, g), 0) for g in GRAVITES},
             "total": sum(croise.get((p, g), 0) for g in GRAVITES)} for p in partenaires],
        "par_famille": dict(sorted(Counter(c.famille for c in constats).items())),
        "dossiers_bloques": len({c.dossier for c in constats if c.gravite == "bloquant" and c.ligne is not None}),
        "constats_de_tableau": sum(1 for c in constats if c.ligne is None),
    }
