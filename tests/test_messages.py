"""Les messages que lit l'agent financier : chaque exemple invalide de chaque règle (socle et
greffons) est exécuté, et chaque message produit est relu comme le lirait l'agent.

Un message dit ce qui ne va pas **avec les valeurs vues**, dit **quoi faire** (un verbe à
l'impératif de la liste ci-dessous), ne montre **aucun nom interne** (identifiant de colonne ou de
paramètre en snake_case, identifiant de règle) ni jargon, et écrit ses listes « 1, 2 et 5 ».
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest

# Ce que l'agent peut faire : l'impératif d'un verbe d'action (vouvoiement).
IMPERATIFS = (
    "ajoutez", "arbitrez", "choisissez", "complétez", "confirmez", "contactez", "corrigez",
    "demandez", "déplacez", "donnez", "écrivez", "faites", "indiquez", "mettez", "orientez", "passez",
    "prévoyez", "proposez", "remettez", "recopiez", "regardez", "regroupez", "relancez", "renommez",
    "renseignez", "reportez",
    "réorientez", "retirez", "signalez", "supprimez", "utilisez", "vérifiez", "voyez",
)
# Mots qu'un agent financier n'a pas à connaître.
JARGON = ("luhn", "null", "none", "true", "false", "nan", "regex", "snake", "paramètre")
SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
# Une liste de nombres écrite « 1, 3, 4, 6 », sans « et » ni « ou » final (voir aussi
# test_les_listes_s_ecrivent_1_2_et_5 pour le formatage lui-même).
LISTE_SANS_ET = re.compile(r"\b(?:\d+, ){2,}\d+\b(?! et| ou|,)")


@cache
def environnement() -> tuple[Any, Any]:
    from cdv_regles.verification import preparer

    return preparer(2023)


def _controles_python() -> set[str]:
    return {"ETAT-PRIORITES-2023"}


def exemples_invalides() -> list[tuple[str, int, dict[str, Any]]]:
    _, catalogue = environnement()
    vus: dict[str, Any] = {}
    for r in catalogue.regles:
        vus.setdefault(r.id, r)
    from cdv_regles.exemples import exemple_pour

    return [(r.id, i, ex) for r in vus.values()
            for i, brut in enumerate(r.exemples.get("invalides") or [], 1)
            if isinstance(brut, dict) and (ex := exemple_pour(brut, catalogue.millesime)) is not None]


def executer(exemple: dict[str, Any]) -> Any:
    from cdv_regles.exemples import preparer_exemple
    from cdv_regles.verification import verifier_avec

    greffons, catalogue = environnement()
    table, cat, date_ref = preparer_exemple(exemple, catalogue)
    avant = list(greffons.defauts)
    try:
        return verifier_avec(table, greffons, cat, date_ref)
    finally:
        greffons.defauts[:] = avant


def valeurs_vues(resultat: Any, constat: Any) -> list[str]:
    """Les valeurs des cellules en cause, telles que l'agent les voit (« 1 000 € », « 17/09/2022 »)."""
    from cdv_regles.moteur import formater_valeur

    if constat.ligne is None:
        return []
    df = resultat.cadre
    types = {c.id: c.type for c in resultat.catalogue.colonnes}
    (i,) = [k for k, n in enumerate(df["_ligne"].to_list()) if n == constat.ligne]
    vues = []
    for c in constat.colonnes:
        if c in df.columns:
            v = df[c][i]
            # Une cellule-liste (« Valenciennes ; Denain ») : chacun de ses éléments est une valeur vue.
            vues += [str(e) for e in v.to_list()] if hasattr(v, "to_list") else [formater_valeur(v, types.get(c))]
    return vues


VIDE = re.compile(r"\bvide\b|\baucune?\b|pas renseign|n'est pas indiqu|toujours pas|manqu", re.IGNORECASE)


@pytest.mark.parametrize(("regle", "numero", "exemple"), exemples_invalides(),
                         ids=lambda x: x if isinstance(x, str) else str(x) if isinstance(x, int) else "")
def test_message_de_l_exemple_invalide(regle: str, numero: int, exemple: dict[str, Any]) -> None:
    _, catalogue = environnement()
    resultat = executer(exemple)
    constats = [c for c in resultat.constats if c.regle == regle]
    assert constats, f"{regle} : l'exemple invalide {numero} ne produit aucun constat"
    regle_obj = next(r for r in catalogue.regles if r.id == regle)
    internes = ({r.id for r in catalogue.regles} | _controles_python()
                | set(catalogue.parametres.tous) | {c.id for c in catalogue.colonnes})
    for c in constats:
        m = c.message
        bas = m.lower()
        assert "{" not in m and "}" not in m, f"{regle} : champ non remplacé dans « {m} »"
        # Ce qu'il faut faire.
        assert any(re.search(rf"(?<!\w){v}(?!\w)", bas) for v in IMPERATIFS), \
            f"{regle} : le message ne dit pas quoi faire (aucun verbe à l'impératif) : « {m} »"
        # Aucun nom interne ni jargon.
        assert not SNAKE_CASE.search(m), f"{regle} : nom interne {SNAKE_CASE.search(m).group()!r} dans « {m} »"
        cites = [x for x in internes if re.search(rf"(?<![\w-]){re.escape(x)}(?![\w-])", m)
                 and (x.isupper() or "_" in x)]
        assert not cites, f"{regle} : identifiant interne {cites} dans « {m} »"
        jargon = [j for j in JARGON if re.search(rf"\b{j}\b", bas)]
        assert not jargon, f"{regle} : jargon {jargon} dans « {m} »"
        # Les listes du programme finissent par « et ».
        assert not LISTE_SANS_ET.search(m), f"{regle} : liste sans « et » final dans « {m} »"
        # Les valeurs vues.
        vues = valeurs_vues(resultat, c)
        if c.ligne is not None and regle_obj.schema is None and getattr(regle_obj, "lecture", None) is None:
            # Une cellule vide se dit « vide », « aucun », « n'est pas renseigné »…
            assert any(v in m for v in vues) or (set(vues) <= {"vide"} and VIDE.search(m)), \
                f"{regle} : le message ne montre aucune des valeurs vues {vues} : « {m} »"
        else:  # constat de tableau ou de lecture : il nomme la colonne, la cellule ou un compte
            assert any(e in m for e in c.entetes) or re.search(r"\d|«", m), \
                f"{regle} : le message ne dit ni la colonne ni la valeur en cause : « {m} »"
        # La source de la règle accompagne le message.
        assert c.source, f"{regle} : constat sans source"


def test_les_listes_s_ecrivent_1_2_et_5() -> None:
    from cdv_regles.moteur import formater_valeur

    assert formater_valeur([1, 2, 5]) == "1, 2 et 5"
    assert formater_valeur([2]) == "2"
    assert formater_valeur(["Denain", "Lille"]) == "Denain et Lille"
    assert formater_valeur([]) == "aucun"


def test_tous_les_exemples_invalides_sont_relus() -> None:
    """Le test ci-dessus couvre le socle et chaque greffon."""
    regles = {r for r, _, _ in exemples_invalides()}
    prefixes = {r.split("-")[0] for r in regles}
    assert {"SCH", "PIE", "ECH", "BUD", "EGA", "CAVM", "ETAT", "REG", "DEP", "CAF", "ARS", "CPAM"} <= prefixes
