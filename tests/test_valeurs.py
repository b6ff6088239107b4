"""Lecture des valeurs de cellules : ce qu'un chargé de mission tape, ce qu'Excel enregistre."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdv_regles.affichage import date as format_date
from cdv_regles.affichage import montant as format_montant
from cdv_regles.affichage import valeur as format_valeur
from cdv_regles.contrat import normaliser_entete
from cdv_regles.valeurs import (
    DATE_MAX,
    DATE_MIN,
    MONTANT_MAX,
    ValeurIllisible,
    date_mois_jour,
    erreur_formule,
    lire_booleen,
    lire_date,
    lire_entier,
    lire_liste,
    lire_montant,
    lire_texte,
    normaliser_siret,
    rna_valide,
    siret_valide,
)

NBSP, FINE = "\u00a0", "\u202f"

# --- montants -------------------------------------------------------------------------------


@pytest.mark.parametrize(("saisie", "attendu"), [
    (12500, 12500.0),
    (12500.5, 12500.5),
    ("12500", 12500.0),
    ("12 500", 12500.0),
    ("12 500,50 €", 12500.5),
    (f"12{NBSP}500,50{NBSP}€", 12500.5),
    (f"1{FINE}250{FINE}000 €", 1250000.0),
    ("12.500,50", 12500.5),
    ("1.250.000", 1250000.0),
    ("12500.5", 12500.5),
    ("12500,5", 12500.5),
    ("0,5", 0.5),
    (",5", 0.5),
    ("0.125", 0.125),
    ("12 500 EUR", 12500.0),
    ("12500 euros", 12500.0),
    ("€ 300", 300.0),
    ("-1 500,00 €", -1500.0),
    ("\u22121500", -1500.0),
    ("  800  ", 800.0),
    ("12,500.50", 12500.5),
])
def test_montants_acceptes(saisie, attendu):
    assert lire_montant(saisie) == attendu


@pytest.mark.parametrize("vide", [None, "", "   ", NBSP, "\n"])
def test_cellule_vide_donne_none(vide):
    assert lire_montant(vide) is None
    assert lire_date(vide) is None
    assert lire_booleen(vide) is None
    assert lire_entier(vide) is None
    assert lire_texte(vide) is None
    assert lire_liste(vide) == []


@pytest.mark.parametrize("saisie", [
    "douze mille", "12,500,00", "1.2.3", "12 50", "1 2345", "12€50", "12,", "--5", "1 250.000,50",
    True, False, dt.date(2023, 1, 2), dt.datetime(2023, 1, 2, 10), dt.time(10), "12 500 $",
    float("nan"), float("inf"), "1" * 5000,
])
def test_montants_refuses(saisie):
    with pytest.raises(ValeurIllisible) as e:
        lire_montant(saisie)
    assert "montant" in e.value.message


def test_montant_refuse_explique_quoi_ecrire():
    with pytest.raises(ValeurIllisible) as e:
        lire_montant("douze mille")
    assert e.value.message == ("« douze mille » n'est pas un montant : écrivez un nombre en euros, "
                               "par ex. 12 500 ou 12 500,50")


def test_montant_ambigu_avec_un_point():
    with pytest.raises(ValeurIllisible, match="ambigu"):
        lire_montant("12.500")


@pytest.mark.parametrize("code", ["#REF!", "#DIV/0!", "#N/A", "#VALEUR!", "#NOM?", " #ref! "])
def test_erreur_de_formule_a_un_message_a_part(code):
    for lire in (lire_montant, lire_date, lire_entier, lire_booleen):
        with pytest.raises(ValeurIllisible) as e:
            lire(code)
        assert "erreur de formule" in e.value.message
        assert "corrigez la formule" in e.value.message
    assert erreur_formule(code) == code.strip().upper()
    assert erreur_formule("REF") is None


@pytest.mark.parametrize(("code", "dit"), [("Err:507", "Err:507"), (" err:508 ", "Err:508"),
                                           ("ERR:502", "Err:502")])
def test_erreur_de_formule_de_libreoffice(code, dit):
    """LibreOffice écrit ses erreurs « Err:5xx » (export CSV d'un Tableau Excel, par exemple)."""
    for lire in (lire_montant, lire_date, lire_entier, lire_booleen):
        with pytest.raises(ValeurIllisible) as e:
            lire(code)
        assert f"erreur de formule {dit} : corrigez la formule" in e.value.message
    assert erreur_formule(code) == dit


@pytest.mark.parametrize("texte", ["Err:5", "Err:5077", "Err:407", "Erreur:508", "Err:5a7", "Err:5٠٧"])
def test_ce_qui_ressemble_a_une_erreur_de_libreoffice_n_en_est_pas_une(texte):
    assert erreur_formule(texte) is None


@given(st.floats(min_value=-MONTANT_MAX, max_value=MONTANT_MAX, allow_nan=False))
def test_montant_formate_se_relit_au_centime(x):
    assert lire_montant(format_montant(x)) == pytest.approx(round(x * 100) / 100, abs=1e-6)


@pytest.mark.parametrize(("x", "texte"), [
    (12500, f"12{NBSP}500{NBSP}€"),
    (12500.5, f"12{NBSP}500,50{NBSP}€"),
    (0.001, f"0{NBSP}€"),
    (-1234567.891, f"-1{NBSP}234{NBSP}567,89{NBSP}€"),
    (999.999, f"1{NBSP}000{NBSP}€"),
])
def test_format_montant(x, texte):
    assert format_montant(x) == texte


# --- dates ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("saisie", "attendu"), [
    (dt.date(2022, 9, 16), dt.date(2022, 9, 16)),
    (dt.datetime(2022, 9, 16, 14, 30), dt.date(2022, 9, 16)),
    (44820, dt.date(2022, 9, 16)),
    (44820.75, dt.date(2022, 9, 16)),
    ("16/09/2022", dt.date(2022, 9, 16)),
    ("6/9/2022", dt.date(2022, 9, 6)),
    ("16-09-2022", dt.date(2022, 9, 16)),
    ("16.09.2022", dt.date(2022, 9, 16)),
    ("2022-09-16", dt.date(2022, 9, 16)),
    ("2022-09-16T00:00:00", dt.date(2022, 9, 16)),
    ("16/09/2022 10:30", dt.date(2022, 9, 16)),
    (" 16/09/2022 ", dt.date(2022, 9, 16)),
    ("29/02/2024", dt.date(2024, 2, 29)),
])
def test_dates_acceptees(saisie, attendu):
    assert lire_date(saisie) == attendu


@pytest.mark.parametrize(("saisie", "fragment"), [
    ("31/02/2023", "n'existe pas"),
    ("29/02/2023", "n'existe pas"),
    ("2023", "n'est pas une date"),
    (2023, "n'est pas une date"),
    ("16/09/223", "quatre chiffres"),  # « 16/09/22 » se lit désormais 2022 (pivot, 11.3)
    ("16/09-2022", "n'est pas une date"),
    ("le 16 septembre", "n'est pas une date"),
    (dt.date(1905, 7, 15), "invraisemblable"),
    ("01/01/0023", "invraisemblable"),
    (dt.time(10, 30), "heure"),
    (True, "n'est pas une date"),
    (float("nan"), "n'est pas une date"),
])
def test_dates_refusees(saisie, fragment):
    with pytest.raises(ValeurIllisible) as e:
        lire_date(saisie)
    assert fragment in e.value.message
    assert "JJ/MM/AAAA" in e.value.message


@given(st.dates(min_value=DATE_MIN, max_value=DATE_MAX))
def test_date_formatee_se_relit(d):
    assert lire_date(format_date(d)) == d
    assert lire_date(d.isoformat()) == d


def test_format_date():
    assert format_date(dt.date(2022, 9, 16)) == "16/09/2022"
    assert format_date(dt.date(23, 1, 2)) == "02/01/0023"


# --- booléens, entiers, textes, listes ------------------------------------------------------

@pytest.mark.parametrize("vrai", ["Oui", "oui", "OUI", "X", "x", "1", 1, 1.0, "TRUE", "true", "VRAI",
                                  "Vrai", True, " oui "])
def test_booleens_vrais(vrai):
    assert lire_booleen(vrai) is True


@pytest.mark.parametrize("faux", ["Non", "non", "0", 0, 0.0, "FALSE", "FAUX", "faux", False])
def test_booleens_faux(faux):
    assert lire_booleen(faux) is False


@pytest.mark.parametrize("autre", ["peut-être", "2", 2, 0.5, "ouii", dt.date(2023, 1, 1)])
def test_booleens_refuses(autre):
    with pytest.raises(ValeurIllisible, match="Oui ou Non"):
        lire_booleen(autre)


@pytest.mark.parametrize(("saisie", "attendu"), [
    (12, 12), (3.0, 3), ("12", 12), (" 1 200 ", 1200), ("12,0", 12), (-4, -4)])
def test_entiers_acceptes(saisie, attendu):
    assert lire_entier(saisie) == attendu


@pytest.mark.parametrize("saisie", [3.5, "3,5", "douze", True, dt.date(2023, 1, 1), float("inf")])
def test_entiers_refuses(saisie):
    with pytest.raises(ValeurIllisible, match="nombre entier"):
        lire_entier(saisie)


@pytest.mark.parametrize(("saisie", "attendu"), [
    ("  Asso  ", "Asso"),
    (123.0, "123"),
    (36252187900034.0, "36252187900034"),
    (12345678901234567.0, "12345678901234568"),
    (12.5, "12,5"),
    (42, "42"),
    (dt.date(2022, 9, 16), "16/09/2022"),
])
def test_lire_texte(saisie, attendu):
    assert lire_texte(saisie) == attendu


def test_lire_texte_n_utilise_jamais_la_notation_scientifique():
    assert "e" not in lire_texte(1e20).lower()
    assert "e" not in lire_texte(1e-7).lower()


@pytest.mark.parametrize(("saisie", "attendu"), [
    ("Valenciennes; Anzin ;;Denain", ["Valenciennes", "Anzin", "Denain"]),
    ("Valenciennes\nAnzin\r\n", ["Valenciennes", "Anzin"]),
    ("Onnaing", ["Onnaing"]),
    (" ; ", []),
])
def test_lire_liste(saisie, attendu):
    assert lire_liste(saisie) == attendu


# --- identifiants ---------------------------------------------------------------------------

def _cle(corps: str) -> str:
    """Le chiffre qui, ajouté à ``corps``, donne une clé de Luhn valide."""
    total = 0
    for i, c in enumerate(reversed(corps)):
        n = int(c) * (1 if i % 2 else 2)
        total += n - 9 if n > 9 else n
    return str(-total % 10)


@pytest.mark.parametrize("siret", ["73282932000074", "35600000000048", "36252187900035"])
def test_sirets_valides(siret):
    assert siret_valide(siret)


def test_siret_la_poste_somme_multiple_de_5():
    assert siret_valide("35600000049837")  # Luhn faux, somme des chiffres = 55
    assert not siret_valide("35600000049838")


@pytest.mark.parametrize("siret", ["73282932000075", "7328293200007", "732829320000740",
                                   "732 829 320 00074", "7328293200007A", "", "٧٣٢٨٢٩٣٢٠٠٠٠٧٤"])
def test_sirets_refuses(siret):
    assert not siret_valide(siret)


def test_normaliser_siret_ote_les_espaces():
    assert normaliser_siret(f" 732 829{NBSP}320 00074 ") == "73282932000074"
    assert siret_valide(normaliser_siret("732 829 320 00074"))


@given(st.text(alphabet="0123456789", min_size=13, max_size=13).filter(lambda s: s[:9] != "356000000"),
       st.integers(0, 13), st.integers(1, 9))
def test_siret_cle_calculee_acceptee_et_toute_alteration_refusee(corps, position, decalage):
    siret = corps + _cle(corps)
    assert siret_valide(siret)
    chiffre = str((int(siret[position]) + decalage) % 10)
    assert not siret_valide(siret[:position] + chiffre + siret[position + 1:])


@pytest.mark.parametrize(("rna", "valide"), [
    ("W595012345", True), ("w595012345", False), ("W59501234", False), ("W5950123456", False),
    ("595012345", False), ("W59501234X", False), (" W595012345", False)])
def test_rna(rna, valide):
    assert rna_valide(rna) is valide


# --- robustesse et messages -----------------------------------------------------------------

@given(st.text(max_size=40))
def test_texte_arbitraire_ne_leve_que_valeur_illisible(texte):
    for lire in (lire_montant, lire_date, lire_booleen, lire_entier):
        try:
            lire(texte)
        except ValeurIllisible as e:
            assert e.message
    assert isinstance(lire_liste(texte), list)
    assert lire_texte(texte) is None or isinstance(lire_texte(texte), str)
    assert isinstance(siret_valide(texte), bool) and isinstance(rna_valide(texte), bool)


@given(st.from_regex(r"[-+ 0-9.,€\u00a0\u202f]{1,25}", fullmatch=True))
def test_texte_proche_d_un_nombre_ne_leve_que_valeur_illisible(texte):
    for lire in (lire_montant, lire_entier, lire_date):
        with contextlib.suppress(ValeurIllisible):
            lire(texte)


@pytest.mark.parametrize(("v", "texte"), [
    (None, "vide"), (True, "Oui"), (False, "Non"), (12500.5, f"12{NBSP}500,5"), (3.0, "3"),
    (dt.datetime(2022, 9, 16), "16/09/2022"), (dt.datetime(2022, 9, 16, 8, 5), "16/09/2022 08:05"),
    (dt.time(8, 5), "08:05"), ("abc", "abc")])
def test_format_valeur(v, texte):
    assert format_valeur(v) == texte


def test_message_cite_une_valeur_longue_en_l_abregeant():
    with pytest.raises(ValeurIllisible) as e:
        lire_montant("x" * 500)
    assert len(e.value.message) < 200


# --- normaliser_entete (contrat) ------------------------------------------------------------

@given(st.text(max_size=60))
def test_normaliser_entete_idempotente(texte):
    une_fois = normaliser_entete(texte)
    assert normaliser_entete(une_fois) == une_fois


_LETTRES_ENTETE = "abcdefghijklmnopqrstuvwxyzéèêàâçîïôûùœ°'()-/0123456789 "


@given(st.text(alphabet=_LETTRES_ENTETE, min_size=1, max_size=50),
       st.sampled_from([" ", "  ", "\n", "\t", "\u00a0", " \n "]))
def test_normaliser_entete_insensible_casse_accents_espaces(entete, espace):
    variante = espace + entete.upper().replace(" ", espace) + espace
    sans_accents = entete.translate(str.maketrans("éèêàâçîïôûù", "eeeaaciiouu"))
    assert normaliser_entete(variante) == normaliser_entete(entete) == normaliser_entete(sans_accents)


# --- valeurs telles que les agents les tapent (issue 11.3) ---------------------------------------

from cdv_regles import affichage  # noqa: E402
from cdv_regles.valeurs import (  # noqa: E402
    ENTIER_MAX,
    SANS_OBJET,
    cle_luhn_valide,
    lire_rna,
    lire_siret,
)


@pytest.mark.parametrize("saisie", [
    "732 829 320 00074", "732\u00a0829\u00a0320\u00a000074", "732\u202f829\u202f320\u202f00074",
    "732.829.320.00074", " 73282932000074 ", 73282932000074, 73282932000074.0])
def test_siret_avec_espaces_ou_points(saisie):
    assert lire_siret(saisie) == "73282932000074"
    assert siret_valide(lire_siret(saisie))


@pytest.mark.parametrize("saisie", [
    "٧٣٢٨٢٩٣٢٠٠٠٠٧٤",  # chiffres arabes-indiens
    "７３２８２９３２０００７４",  # chiffres pleine chasse
    "۷۳۲۸۲۹۳۲۰۰۰۰۷۴",  # chiffres persans
    "7328293200007４", "7328293200007", "732829320000745", "", None, 73282932000074.5])
def test_siret_en_chiffres_ascii_seulement(saisie):
    assert not siret_valide(lire_siret(saisie) if saisie is not None else None)
    assert not cle_luhn_valide("٧٣٢٨٢٩٣٢٠٠٠٠٧٤")


@pytest.mark.parametrize(("saisie", "attendu"), [
    ("W595000001", "W595000001"), ("w595000001", "W595000001"), ("W 595 000 001", "W595000001")])
def test_rna_lu(saisie, attendu):
    assert lire_rna(saisie) == attendu and rna_valide(attendu)


@pytest.mark.parametrize("saisie", ["W٥٩٥٠٠٠٠٠١", "W５９５０００００１", "W59500000", "X595000001"])
def test_rna_en_chiffres_ascii_seulement(saisie):
    assert not rna_valide(lire_rna(saisie))


@pytest.mark.parametrize(("saisie", "attendu"), [
    ("8.000,00", 8000.0), ("8 000,00 €", 8000.0), (f"12{NBSP}500", 12500.0), (f"12{FINE}500{NBSP}€", 12500.0),
    (f"1{FINE}250{FINE}000,50{FINE}€", 1250000.5), ("12 500 EUR", 12500.0), ("€ 300", 300.0),
])
def test_montants_tels_que_tapes(saisie, attendu):
    assert lire_montant(saisie) == attendu


@pytest.mark.parametrize("saisie", ["✓", "✔", "☑", "✅", "Oui", " oui ", "X", "VRAI", "o"])
def test_coches_pour_oui(saisie):
    assert lire_booleen(saisie) is True


@pytest.mark.parametrize("saisie", ["☐", "☒", "✗", "✘", "Non", "FAUX"])
def test_croix_et_case_vide_pour_non(saisie):
    assert lire_booleen(saisie) is False


@pytest.mark.parametrize("saisie", ["Sans objet", "sans objet", "SO", "S/O", "NA", "N/A", "n/a", "-", "–",
                                    "Non applicable", "Non concerné", "non concernée"])
def test_sans_objet_est_une_reponse_distincte(saisie):
    assert lire_booleen(saisie) is SANS_OBJET
    assert not SANS_OBJET and str(SANS_OBJET) == "Sans objet"


def test_l_erreur_de_formule_na_n_est_pas_sans_objet():
    with pytest.raises(ValeurIllisible, match="erreur de formule"):
        lire_booleen("#N/A")


@pytest.mark.parametrize(("saisie", "attendu"), [
    ("15/11/22", dt.date(2022, 11, 15)), ("01/02/29", dt.date(2029, 2, 1)), ("15/11/00", dt.date(2000, 11, 15)),
    ("15/11/99", dt.date(1999, 11, 15)), ("2022-11-15", dt.date(2022, 11, 15)), ("15.11.2022", dt.date(2022, 11, 15)),
    ("15.11.22", dt.date(2022, 11, 15)), ("15-11-2022", dt.date(2022, 11, 15)),
    ("15/11/2022 10:30", dt.date(2022, 11, 15)), ("15/11/2022 10:30:00", dt.date(2022, 11, 15)),
    ("2022-11-15T10:30:00", dt.date(2022, 11, 15)), ("2022-11-15T10:30:00Z", dt.date(2022, 11, 15)),
    ("2022-11-15 10:30:00+01:00", dt.date(2022, 11, 15)), ("15/11/2022 10h30", dt.date(2022, 11, 15)),
    (dt.datetime(2022, 11, 15, 10, 30), dt.date(2022, 11, 15)), (44880.4375, dt.date(2022, 11, 15)),
])
def test_dates_telles_que_tapees(saisie, attendu):
    assert lire_date(saisie) == attendu


def test_annee_a_deux_chiffres_hors_pivot_est_signalee():
    # 35 → 1935 (pivot d'Excel) : hors plage, signalé ; jamais « deviné » en 2035.
    with pytest.raises(ValeurIllisible, match="invraisemblable"):
        lire_date("15/11/35")


@pytest.mark.parametrize(("saisie", "attendu"), [
    ("Anzin; Marly", ["Anzin", "Marly"]), ("Anzin, Marly", ["Anzin", "Marly"]), ("Anzin/Marly", ["Anzin", "Marly"]),
    ("Anzin et Marly", ["Anzin", "Marly"]), ("Anzin\nMarly", ["Anzin", "Marly"]),
    ("Anzin\r\nMarly", ["Anzin", "Marly"]),
    ("Anzin, Marly et Onnaing", ["Anzin", "Marly", "Onnaing"]), ("Anzin ;; Marly ;", ["Anzin", "Marly"]),
    ("Etterbeek", ["Etterbeek"]),
])
def test_listes_separees_de_toutes_les_facons(saisie, attendu):
    assert lire_liste(saisie) == attendu


def test_un_nom_connu_n_est_pas_redecoupe():
    connus = {"rombies et marchipont", "quatre chasses, poudriere"}
    connu = lambda m: m.casefold() in connus  # noqa: E731
    assert lire_liste("Rombies et Marchipont; Anzin et Marly", connu) == ["Rombies et Marchipont", "Anzin", "Marly"]
    assert lire_liste("Quatre Chasses, Poudriere\nAnzin, Marly", connu) == [
        "Quatre Chasses, Poudriere", "Anzin", "Marly"]


@pytest.mark.parametrize(("saisie", "officiel"), [
    ("Condé-sur-escaut", "Condé-sur-l'Escaut"), ("Bruay sur l'escaut", "Bruay-sur-l'Escaut"),
    ("Saint-saulve", "Saint-Saulve"), ("ST SAULVE", "Saint-Saulve"), ("bruay sur l’escaut", "Bruay-sur-l'Escaut"),
    ("Vieux Condé", "Vieux-Condé"), ("Rombies et Marchipont", "Rombies-et-Marchipont"),
])
def test_communes_comme_la_note_de_cadrage_les_ecrit(saisie, officiel):
    from cdv_regles.parametres import referentiels_du_millesime

    assert referentiels_du_millesime(2023)["communes"].officiel(saisie) == officiel


def test_codes_en_chiffres_non_ascii_ne_sont_pas_reconnus():
    from cdv_regles.parametres import referentiels_du_millesime

    refs = referentiels_du_millesime(2023)
    assert refs["qpv_2024"].officiel("QN05920M") == "QN05920M"
    assert refs["qpv_2024"].officiel("QN０５９２０M") is None
    assert refs["communes"].officiel("59014") == "Anzin"
    assert refs["communes"].officiel("٥٩٠١٤") is None


# --- valeurs absurdes (issue 14.2) ----------------------------------------------------------------

@pytest.mark.parametrize("saisie", [1e308, -1e308, float("inf"), float("-inf"), float("nan"), 10**400,
                                    MONTANT_MAX + 1, "100 000 001", "1 000 000 000 €", 123456789012])
def test_montant_absurde_illisible(saisie):
    with pytest.raises(ValeurIllisible) as e:
        lire_montant(saisie)
    assert "montant" in e.value.message


def test_le_plafond_est_admis():
    assert lire_montant(MONTANT_MAX) == MONTANT_MAX
    assert lire_montant("100 000 000 €") == MONTANT_MAX


@pytest.mark.parametrize("saisie", [-1, -45000.0, 10**12, 2958466, float("inf"), float("nan"),
                                    dt.datetime(9999, 12, 31), dt.date(1, 1, 1), "31/12/9999", "0001-01-01"])
def test_date_absurde_illisible(saisie):
    with pytest.raises(ValeurIllisible):
        lire_date(saisie)


@pytest.mark.parametrize("saisie", [ENTIER_MAX + 1, 10**40, 1e308, "9 999 999 999"])
def test_entier_absurde_illisible(saisie):
    with pytest.raises(ValeurIllisible, match="invraisemblable"):
        lire_entier(saisie)


# --- affichage : un seul, total (issues 17.3 et 14.2) ---------------------------------------------

class _Hostile:
    def __str__(self) -> str:
        raise RuntimeError("boum")


@pytest.mark.parametrize("x", [1e308, -1e308, float("inf"), float("-inf"), float("nan"), 10**400, -(10**400),
                               10**25, 1e-300, 0.1 + 0.2, True, None, "", "\x1b[2J", dt.date.max,
                               dt.datetime.min, dt.timedelta(days=3), [1e308, None], {"a": 1}, _Hostile(),
                               object(), b"\x00", complex(1, 2)])
def test_chaque_formateur_est_total(x):
    for f in (affichage.valeur, affichage.montant, affichage.nombre, affichage.pourcentage, affichage.date,
              affichage.cite, affichage.visible):
        texte = f(x)
        assert isinstance(texte, str) and "\x1b" not in texte
    for sorte in (*affichage.SORTES, None, "inconnue"):
        assert isinstance(affichage.valeur(x, sorte), str)


@pytest.mark.parametrize(("x", "texte"), [
    (1e308, f"1,000×10^308{NBSP}€"), (float("inf"), "infini"), (float("nan"), "non numérique"),
    (-0.004, f"0{NBSP}€"), (-0.5, f"-0,50{NBSP}€"), (MONTANT_MAX, f"100{NBSP}000{NBSP}000{NBSP}€"),
])
def test_montants_extremes_affiches(x, texte):
    assert affichage.montant(x) == texte


def test_oui_non_partout():
    from cdv_regles.moteur import formater_valeur
    from cdv_regles.synthese.format import nombre, valeur_lisible

    assert affichage.valeur(True) == formater_valeur(True) == valeur_lisible("x", True) == nombre(True) == "Oui"
    assert affichage.cite(False) == "« Non »"


@pytest.mark.parametrize(("brut", "vu"), [
    ("a\x1bb", "a␛b"), ("a\rb", "a↵b"), ("a\nb", "a↵b"), ("a\r\nb", "a↵b"), ("\x00", "␀"), ("\x7f", "␡"),
    ("\x85", "↵"), ("\u2028", "↵"), ("\u202e", "<U+202E>"), ("\x9b", "<U+009B>"), ("a\tb", "a␉b"),
    ("texte ordinaire « é »", "texte ordinaire « é »"),
])
def test_controles_visibles(brut, vu):
    assert affichage.visible(brut) == vu


def test_controles_visibles_en_gardant_les_sauts():
    assert affichage.visible("a\r\nb\rc\x1b", sauts=True) == "a\nb\nc␛"


@pytest.mark.parametrize(("texte", "attendu"), [
    ("11/25/2022", dt.date(2022, 11, 25)), (" 12/31/2023\u00a0", dt.date(2023, 12, 31)),
    ("1/13/2023", dt.date(2023, 1, 13)),
    ("09/12/2022", None),  # ambiguë : rien ne dit qu'elle est à l'américaine
    ("25/11/2022", None),  # JJ/MM/AAAA
    ("02/30/2022", None), ("13/25/2022", None), ("11-25-2022", None), ("11/25/22", None),
    (dt.date(2022, 11, 25), None), (44890, None)])
def test_date_ecrite_mois_avant_jour(texte, attendu):
    assert date_mois_jour(texte) == attendu
