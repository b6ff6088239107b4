"""``calculer_synthese`` : les rubriques de chaque greffon (le socle compris), en un dictionnaire
stable et sérialisable en JSON (montants en nombres, dates ISO).

Forme (``version_format`` 1) :

    {"format": "cdv-regles/synthese", "version_format": 1,
     "fichier": ..., "feuille": ..., "millesime": 2023, "date_reference": "2023-03-01",
     "version_regles": ..., "dossiers": 312,
     "partenaires": {"socle": "Règles communes…", "etat": "État (politique de la ville)", ...},
     "rubriques": {"socle": {"perimetre": ..., "financeurs": [...], ...},
                   "<greffon>": {"<titre>": {...}}},
     "defauts_greffons": ["greffon « x » : ..."]}

Le contenu de ``rubriques["socle"]`` est décrit dans ``cdv_regles.synthese.socle``.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

from cdv_regles.greffons import Defaut

if TYPE_CHECKING:
    from cdv_regles.greffons import Greffons
    from cdv_regles.verification import Resultat

FORMAT = "cdv-regles/synthese"
VERSION_FORMAT = 1


def calculer_synthese(resultat: Resultat, greffons: Greffons | None = None) -> dict[str, Any]:
    """La synthèse du tableau vérifié ; ``greffons`` : ceux de la vérification (rechargés si None).

    Un greffon dont la rubrique échoue ou n'est pas un dictionnaire est nommé dans
    ``defauts_greffons`` ; les autres rubriques sont calculées quand même.
    """
    if greffons is None:
        from cdv_regles.greffons import charger, noms_desactives

        greffons = charger(noms_desactives())
    catalogue = resultat.catalogue
    contexte = catalogue.contexte(resultat.date_reference)
    nouveaux: list[Defaut] = []
    appels = greffons.appeler("cdv_regles_synthese", nouveaux, tableau=resultat.cadre, constats=resultat.constats,
                              contexte=contexte)
    rubriques: dict[str, Any] = {}
    for greffon, contenu in appels:
        if not isinstance(contenu, dict):
            nouveaux.append(Defaut(greffon.nom, "cdv_regles_synthese doit renvoyer un dictionnaire "
                                                        f"{{titre: chiffres}}, pas {type(contenu).__name__}"))
            continue
        rubriques[greffon.nom] = jsonable(contenu)
    partenaires = {g.partenaire: g.nom_partenaire or g.partenaire for g in greffons.actifs}
    if "financeurs" in catalogue.referentiels:
        for f in catalogue.referentiels["financeurs"].details:
            partenaires.setdefault(str(f["code"]), str(f["nom"]))
    deja = {str(d) for d in resultat.defauts}
    return {
        "format": FORMAT,
        "version_format": VERSION_FORMAT,
        "fichier": resultat.tableau.chemin,
        "feuille": resultat.tableau.feuille,
        "millesime": resultat.millesime,
        "date_reference": resultat.date_reference.isoformat(),
        "version_regles": resultat.version_regles,
        "dossiers": resultat.nb_dossiers,
        "partenaires": partenaires,
        "rubriques": rubriques,
        "defauts_greffons": [str(d) for d in resultat.defauts] + [str(d) for d in nouveaux if str(d) not in deja],
    }


def jsonable(x: Any) -> Any:
    """Rend une rubrique sérialisable : dates ISO, nombres non finis → None, tables → lignes."""
    if x is None or isinstance(x, bool | int | str):
        return x
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dt.date):
        return x.isoformat()
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple | set | frozenset):
        return [jsonable(v) for v in x]
    if hasattr(x, "to_dicts"):  # un DataFrame polars renvoyé tel quel par un greffon
        return [jsonable(r) for r in x.to_dicts()]
    if hasattr(x, "__float__"):  # Decimal, numpy
        return jsonable(float(x))
    return str(x)
