"""Le langage des règles : ce qu'il calcule, et tout ce qu'il refuse d'exécuter."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdv_regles.expressions import Compilateur, ExpressionInvalide, Portee
from cdv_regles.parametres import referentiels_du_millesime

REFS = referentiels_du_millesime(2023)


def portee(**parametres):
    return Portee(
        colonnes={"a": ("montant", None), "b": ("montant", None), "case": ("booleen", None),
                  "dispositif": ("choix", REFS["dispositifs"]), "d": ("date", None)},
        entetes={"a": "A", "b": "B", "case": "Case", "dispositif": "Dispositif", "d": "D"},
        parametres=parametres, types_parametres={}, referentiels=REFS.tous,
        date_reference=dt.date(2023, 3, 1),
    )


DF = pl.DataFrame({
    "a": [10.0, None, 5.0], "b": [1.0, 2.0, None], "case": [True, None, False],
    "dispositif": ["PRE (Programme de réussite éducative)", "Droit commun", None],
    "d": [dt.date(2022, 9, 1), dt.date(2022, 10, 1), None],
})


def evaluer(texte: str, **parametres):
    e = Compilateur(portee(**parametres)).compiler(texte)
    return DF.select(e.alias("r"))["r"].to_list() if isinstance(e, pl.Expr) else e


def test_somme_compte_les_vides_pour_zero_mais_pas_l_addition():
    assert evaluer("somme(a, b)") == [11.0, 2.0, 5.0]
    assert evaluer("a + b") == [11.0, None, None]


def test_mots_francais_et_logique_a_trois_valeurs():
    assert evaluer("a > 6 et oui(case)") == [True, False, False]
    assert evaluer("non oui(case) ou a > 6") == [True, True, True]
    assert evaluer("a > 6") == [True, None, False]


def test_abreviation_de_liste_reconnue_et_faute_refusee():
    assert evaluer("dispositif == 'PRE'") == [True, False, None]
    with pytest.raises(ExpressionInvalide, match="n'est pas une valeur de la liste dispositifs"):
        evaluer("dispositif == 'Prog. réussite'")


def test_dates_et_parametres():
    assert evaluer("d <= limite", limite=dt.date(2022, 9, 16)) == [True, False, None]
    assert evaluer("date_reference > '2023-01-31'") is True


def test_defini_d_un_parametre_absent_ou_sans_valeur():
    assert evaluer("defini(enveloppe_inconnue)") is False
    assert evaluer("defini(enveloppe)", enveloppe=None) is False
    assert evaluer("defini(enveloppe)", enveloppe=1000) is True


@pytest.mark.parametrize("texte", [
    "__import__('os').system('id')",
    "a.__class__",
    "open('/etc/passwd')",
    "[x for x in a]",
    "lambda: 1",
    "a if case else b",
    "a[0]",
    "f'{a}'",
    "exec('1')",
    "somme(a, b) ** 2",
    "'x' * 1000000000",
    "(" * 5000 + "a" + ")" * 5000,
])
def test_tout_ce_qui_n_est_pas_du_vocabulaire_est_refuse(texte):
    with pytest.raises(ExpressionInvalide):
        Compilateur(portee()).compiler(texte)


def test_nom_inconnu_dit_ce_qui_est_attendu():
    with pytest.raises(ExpressionInvalide, match="nom inconnu « montant_x »"):
        Compilateur(portee()).compiler("montant_x > 0")


def test_expression_illisible():
    with pytest.raises(ExpressionInvalide, match="illisible"):
        Compilateur(portee()).compiler("a > > 1")


def test_siret_cle_de_luhn_et_la_poste():
    df = pl.DataFrame({"s": ["73282932000074", "73282932000075", "35600000000048", "123", None]})
    p = portee()
    p.colonnes["s"] = ("texte", None)
    e = Compilateur(p).compiler("siret_valide(s)")
    assert df.select(e.alias("r"))["r"].to_list() == [True, False, True, False, None]


def test_contient_des_mots_entiers_ou_des_debuts_de_mot():
    df = pl.DataFrame({"t": ["Café des parents", "Soutien à la PARENTALITÉ", "Transport solidaire",
                             "Activités sportives", None]})
    p = Portee(colonnes={"t": ("texte", None)}, entetes={"t": "T"}, parametres={}, types_parametres={},
               referentiels=REFS.tous, date_reference=dt.date(2023, 3, 1))

    def sur_t(texte):
        return df.select(Compilateur(p).compiler(texte).alias("r"))["r"].to_list()

    # « parents » n'est pas « parentalité » ; « parental* » trouve « parentalité ».
    assert sur_t("contient(t, 'parentalité')") == [False, True, False, False, None]
    assert sur_t("contient(t, 'parents')") == [True, False, False, False, None]
    assert sur_t("contient(t, 'parental*')") == [False, True, False, False, None]
    # « sport » entier ne trouve pas « sportives » ; « sport* » si, jamais « transport ».
    assert sur_t("contient(t, 'sport')") == [False, False, False, False, None]
    assert sur_t("contient(t, ['sport*', 'cafe'])") == [True, False, False, True, None]
    assert sur_t("mots_trouves(t, ['sport*', 'parents'])")[:4] == [["parents"], [], [], ["sportives"]]


# --- chaque fonction du langage : ce qu'elle calcule ------------------------------------------------

def portee_large(**parametres):
    p = portee(**parametres)
    p.colonnes.update({"t": ("texte", None), "l": ("choix_multiple", REFS["communes"])})
    p.entetes.update({"t": "T", "l": "L"})
    p.millesime = 2023
    return p


DF_LARGE = DF.with_columns(pl.Series("t", ["Club de SPORTIVES", "Transport", None]),
                           pl.Series("l", [["Valenciennes", "Anzin"], [], None], dtype=pl.List(pl.String)))


def evaluer_large(texte: str, **parametres):
    e = Compilateur(portee_large(**parametres)).compiler(texte)
    return DF_LARGE.select(e.alias("r"))["r"].to_list() if isinstance(e, pl.Expr) else e


@pytest.mark.parametrize(("texte", "attendu"), [
    ("vide(a)", [False, True, False]),
    ("rempli(b)", [True, True, False]),
    ("max_de(a, b)", [10.0, 2.0, 5.0]),
    ("min_de(a, b)", [1.0, 2.0, 5.0]),
    ("abs(b - a)", [9.0, None, None]),
    ("arrondi(a / 3, 1)", [3.3, None, 1.7]),
    ("annee(d)", [2022, 2022, None]),
    ("nb_elements(l)", [2, 0, None]),
    ("joindre(l, ' ; ')", ["Valenciennes ; Anzin", "", None]),
    ("contient(t, 'sport*')", [True, False, None]),
    ("contient(t, ['transport', 'foot'])", [False, True, None]),
    ("mots_trouves(t, ['sport*', 'club'])", [["club", "sportives"], [], None]),
    ("doublon(dispositif)", [False, False, False]),
    ("doublon(annee(d))", [True, True, False]),
])
def test_chaque_fonction_calcule_ce_que_dit_le_lisezmoi(texte: str, attendu: list) -> None:
    assert evaluer_large(texte) == attendu


def test_fonctions_a_valeur_fixe() -> None:
    assert evaluer_large("date_du_millesime(7, 1)") == dt.date(2023, 7, 1)
    assert evaluer_large("annee(date_reference)") == 2023
    assert evaluer_large("abs(-3)") == 3
    assert evaluer_large("arrondi(2.345, 2)") == 2.35
    assert "PRE (Programme de réussite éducative)" in evaluer_large("valeurs_de(referentiel('dispositifs'))")
    with pytest.raises(ExpressionInvalide, match="mois et jour invalides"):
        evaluer_large("date_du_millesime(99999999999999999999, 1)")
    with pytest.raises(ExpressionInvalide, match="comparez des valeurs de même type"):
        evaluer_large("'abc' < 1")


def _portee_financeurs(**refs):
    from cdv_regles.referentiels import Referentiel

    p = portee()
    p.referentiels = {**REFS.tous, **refs,
                      "f": Referentiel("f", ["B", "A"], details=[{"code": "B", "colonne": "b"},
                                                                 {"code": "A", "colonne": "a"}])}
    return p


def test_colonnes_de_donne_les_colonnes_d_une_liste_dans_son_ordre():
    from cdv_regles.expressions import Colonnes

    p = _portee_financeurs()
    assert Compilateur(p).compiler("colonnes_de(referentiel('f'))") == Colonnes(("b", "a"))
    e = Compilateur(p).compiler("somme(colonnes_de(referentiel('f')))")
    assert DF.select(e.alias("r"))["r"].to_list() == [11.0, 2.0, 5.0]


@pytest.mark.parametrize(("texte", "attendu"), [
    ("colonnes_de('f')", "colonnes_de() attend referentiel(\"nom\") en 1er argument"),
    ("colonnes_de(referentiel('f'), 'montant')", "n'ont pas tous un champ « montant » (texte) ; champs vus : "
                                                "code, colonne"),
    ("colonnes_de(referentiel('f'), 'code')", "la liste « f » cite des colonnes inconnues (champ « code ») : B, A"),
    ("colonnes_de(referentiel('financeurs'))", "cite des colonnes inconnues (champ « colonne ») : montant_etat"),
    ("colonnes_de(referentiel('f')) > 0", "une liste de colonnes s'utilise dans somme()"),
])
def test_colonnes_de_refuse_ce_qui_n_est_pas_une_liste_de_colonnes(texte, attendu):
    with pytest.raises(ExpressionInvalide) as e:
        Compilateur(_portee_financeurs()).compiler(texte)
    assert attendu in str(e.value)


def test_une_liste_datee_sans_valeurs_pour_le_millesime_ne_s_applique_pas():
    """Comme un paramètre non défini : la règle qui cite la liste ne s'applique pas (le millésime
    lui-même est refusé plus tôt, par exiger_renseignes) ; un nom inconnu reste une faute."""
    from cdv_regles.expressions import ParametreNonDefini

    p = _portee_financeurs()
    p.referentiels = {n: r for n, r in p.referentiels.items() if n != "financeurs"}
    p.types_parametres = {"financeurs": "referentiel"}
    with pytest.raises(ParametreNonDefini):
        Compilateur(p).compiler("somme(colonnes_de(referentiel('financeurs'))) > 0")
    with pytest.raises(ExpressionInvalide, match="référentiel inconnu « financeur »"):
        Compilateur(p).compiler("colonnes_de(referentiel('financeur'))")


# --- le LISEZMOI documente chaque fonction, avec un exemple qui se compile (à la datasette) -------

LISEZMOI = Path(__file__).resolve().parents[1] / "regles" / "LISEZMOI.md"


def fonctions_documentees(texte: str) -> dict[str, str]:
    """Nom de fonction -> exemple, lus dans le tableau « fonction | résultat | exemple »."""
    lignes = re.findall(r"^\| `(\w+)\(.*?` \|.*\| `([^`]+)` \|$", texte, re.M)
    return dict(lignes)


def test_chaque_fonction_du_langage_est_documentee_avec_un_exemple(environnement_2023) -> None:
    from cdv_regles.moteur import portee as portee_du_catalogue

    documentees = fonctions_documentees(LISEZMOI.read_text(encoding="utf-8"))
    fonctions = Compilateur(portee()).fonctions
    assert sorted(documentees) == sorted(fonctions)
    _, catalogue = environnement_2023
    for nom, exemple in documentees.items():
        assert re.search(rf"\b{nom}\(", exemple), (nom, exemple)
        p = portee_du_catalogue(catalogue, dt.date(2023, 3, 1))
        p.millesime = 2023
        try:
            Compilateur(p).compiler(exemple)
        except ExpressionInvalide as e:
            pytest.fail(f"l'exemple de {nom}() « {exemple} » ne se compile pas : {e}")


@pytest.mark.parametrize("texte", ["d > 3", "a == 'abc'", "case == 1", "'2023-07-01' < 5", "dispositif > 2"])
def test_comparer_des_sortes_differentes_est_refuse_au_chargement(texte: str) -> None:
    """polars comparerait une date à un nombre sans rien dire : la règle est refusée avant."""
    with pytest.raises(ExpressionInvalide, match="comparez des valeurs de même type"):
        evaluer(texte)


def test_les_comparaisons_de_meme_sorte_restent_admises() -> None:
    assert evaluer("d <= '2022-09-16'") == [True, False, None]
    assert evaluer("a >= b") == [True, None, None]
    assert evaluer("case == vrai") == [True, None, False]


@pytest.mark.parametrize(("texte", "forme"), [
    ("annee(referentiel('communes'))", "annee(x)"),
    ("joindre(l, ', ', 3)", "joindre(x, separateur=', ')"),
    ("si(vrai)", "si(condition, alors, sinon)"),
])
def test_des_arguments_incorrects_sont_dits_en_francais(texte: str, forme: str) -> None:
    with pytest.raises(ExpressionInvalide) as e:
        evaluer_large(texte)
    assert str(e.value) == f"arguments incorrects pour {texte.split('(')[0]}() : elle s'écrit {forme} " \
                           "(voir regles/LISEZMOI.md)"


# --- les mots français : traduits par jetons seulement s'il y en a ------------------------------

_FRAGMENTS = ["et", "ou", "non", "pas", "dans", "vrai", "faux", "nul", "ET", "budget", "nul_", "_et",
              "et1", "0", "1", "2.5", "0e1", "e", "x", "statut", "é", "ｅｔ", "²", "e\u0301", " ", "  ",
              "(", ")", "[", "]", ",", "==", "!=", "<", ">=", "+", "-", "*", "'et'", '"ou"', "'", '"',
              "#", "\n", "\\", ".", "not", "and", "in", "is"]


def _par_jetons(texte: str):
    """Ce que donnait l'analyse avant le raccourci : tokenize toujours."""
    import ast

    from cdv_regles.expressions import _traduire

    try:
        return ast.dump(ast.parse(_traduire(texte.strip()), mode="eval").body)
    except Exception:
        return "illisible"


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # « 0et b » : « 0and b », littéral douteux
@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=8).map("".join))
def test_le_raccourci_sans_mot_francais_donne_le_meme_arbre(texte):
    import ast

    from cdv_regles.expressions import analyser

    if not texte.strip():
        return
    try:
        vu = ast.dump(analyser(texte))
    except ExpressionInvalide:
        vu = "illisible"
    assert vu == _par_jetons(texte)


@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@pytest.mark.parametrize(("texte", "attendu"), [
    ("statut pas dans liste", "statut not in liste"), ("a et b", "a and b"), ("budget > 0", "budget > 0"),
    ("x == 'et'", "x == 'et'"), ("0et b", "0 and b"), ("nul_ == nul", "nul_ == None")])
def test_mots_francais_traduits_ou_non(texte, attendu):
    import ast

    from cdv_regles.expressions import analyser

    assert ast.dump(analyser(texte)) == ast.dump(ast.parse(attendu, mode="eval").body)
