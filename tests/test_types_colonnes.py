"""Un type de colonne est déclaré une fois (``types_colonnes``) et tout le reste le lit."""

from __future__ import annotations

import ast
import datetime as dt
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from cdv_regles import affichage, types_colonnes
from cdv_regles import valeurs as v
from cdv_regles.classeur.listes import SORTES, listes_des_colonnes
from cdv_regles.contrat import Colonne, colonnes_socle
from cdv_regles.conversion import convertir
from cdv_regles.lecture import TableBrute
from cdv_regles.lecture.table import colonnes_de
from cdv_regles.parametres import referentiels_du_millesime
from cdv_regles.types_colonnes import TYPES, TypeColonne

SRC = Path(__file__).resolve().parents[1] / "src" / "cdv_regles"


def test_chaque_type_est_complet() -> None:
    for nom, t in TYPES.items():
        assert t.nom == nom
        assert isinstance(t.dtype(), pl.DataType)
        assert t.affichage in affichage.SORTES
        assert t.liste is None or t.liste in SORTES
        assert t.aide and t.largeur > 0


def test_chaque_colonne_du_contrat_a_un_type_declare() -> None:
    for c in colonnes_socle():
        assert c.type in TYPES, c


def _cles_de_types(noeud: ast.Dict) -> set[str]:
    return {k.value for k in noeud.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)} & set(TYPES)


def test_aucun_autre_module_ne_tient_un_dictionnaire_par_type() -> None:
    """Un dict littéral dont les clés sont des noms de types, hors du registre : un doublon."""
    fautifs = []
    for chemin in SRC.rglob("*.py"):
        if chemin.name == "types_colonnes.py":
            continue
        for noeud in ast.walk(ast.parse(chemin.read_text(encoding="utf-8"))):
            cles = _cles_de_types(noeud) if isinstance(noeud, ast.Dict) else set()
            # « date », « texte », « booleen » sont aussi des types de paramètres (parametres.py) :
            # un dict par type de colonne en nomme au moins un autre (montant, choix, entier…).
            if len(cles) >= 3 and cles - {"date", "texte", "booleen"}:
                fautifs.append(f"{chemin.relative_to(SRC)}:{noeud.lineno}")
    assert not fautifs, f"dictionnaires par type de colonne hors de types_colonnes.py : {fautifs}"


def _lire_code_postal(x: object) -> str | None:
    texte = v.lire_texte(x)
    if texte is not None and not (len(texte) == 5 and texte.isascii() and texte.isdigit()):
        raise v.ValeurIllisible(f"{v.cite(x)} n'est pas un code postal : écrivez 5 chiffres")
    return texte


@pytest.fixture
def type_code_postal(monkeypatch: pytest.MonkeyPatch) -> TypeColonne:
    """Un type déclaré par les tests seulement, avec enregistrer() : rien d'autre n'est modifié."""
    monkeypatch.setattr(types_colonnes, "TYPES", dict(TYPES))
    return types_colonnes.enregistrer(TypeColonne(
        "code_postal", lambda _c, _r: _lire_code_postal, "String", "texte", "Code postal à 5 chiffres.",
        largeur=9, format_excel="00000",
        validation=lambda _c, _m: {"validate": "length", "criteria": "==", "value": 5,
                                   "error_message": "5 chiffres"}))


def test_un_nouveau_type_se_declare_en_un_seul_endroit(type_code_postal: TypeColonne, tmp_path: Path) -> None:
    from cdv_regles.classeur import construction
    from cdv_regles.moteur import cadre, formater_valeur

    socle = colonnes_socle()
    cp = Colonne("code_postal", "Code postal", "code_postal", "F", "Partenaire", partenaire="essai")
    colonnes = (*socle, cp)
    refs = referentiels_du_millesime(2023)
    entetes = [c.entete for c in socle if c.requis == "O"] + ["Code postal"]
    lignes = [[None] * (len(entetes) - 1) + [59300], [None] * (len(entetes) - 1) + ["5930"]]
    brute = TableBrute("essai.xlsx", "Programmation", entetes, list(range(len(entetes))),
                       colonnes_de(lignes, len(entetes)), [2, 3], 1)

    # Conversion : le lecteur du type.
    tableau = convertir(brute, colonnes, refs)
    assert tableau.colonnes["code_postal"] == ["59300", None]
    assert [(i.cellule, i.detail) for i in tableau.illisibles if i.colonne.id == "code_postal"] == [
        (f"{construction.lettres_colonne(len(entetes) - 1)}3",
         "« 5930 » n'est pas un code postal : écrivez 5 chiffres")]
    # Moteur : le type polars ; messages : la sorte d'affichage.
    assert cadre(tableau).schema["code_postal"] == pl.String
    assert formater_valeur("59300", "code_postal") == "59300"
    # Classeur : largeur, format, validation et aide du type.
    contenu = construction.Contenu(2023, colonnes, listes_des_colonnes(colonnes, refs, 2023), [], "0", "0")
    regle = construction._validation(cp, contenu)
    assert regle["validate"] == "length" and "Code postal à 5 chiffres." in regle["input_message"]
    assert "code_postal" not in contenu.listes


def test_un_type_inconnu_est_nomme() -> None:
    with pytest.raises(KeyError, match="type de colonne inconnu « pourcent »"):
        types_colonnes.type_colonne("pourcent")


def test_enregistrer_refuse_un_doublon() -> None:
    with pytest.raises(ValueError, match="déjà déclaré"):
        types_colonnes.enregistrer(replace(TYPES["texte"]))


def test_validations_du_classeur_viennent_du_type() -> None:
    from cdv_regles.classeur import construction

    colonnes = colonnes_socle()
    refs = referentiels_du_millesime(2023)
    contenu = construction.Contenu(2023, colonnes, listes_des_colonnes(colonnes, refs, 2023), [], "0", "0")
    par_id = {c.id: c for c in colonnes}
    date = construction._validation(par_id["date_debut"], contenu)
    assert (date["validate"], date["minimum"], date["maximum"]) == ("date", dt.date(2020, 1, 1), dt.date(2025, 12, 31))
    assert construction._validation(par_id["cout_total"], contenu)["validate"] == "decimal"
    assert construction._validation(par_id["beneficiaires_femmes"], contenu)["validate"] == "integer"
    assert "14 chiffres" in construction._validation(par_id["siret"], contenu)["input_message"]
    assert contenu.listes["piece_cerfa"].valeurs == ("Oui", "Non")


def test_une_colonne_de_greffon_au_type_inconnu_est_un_defaut_du_greffon() -> None:
    import types

    from cdv_regles.api import hookimpl
    from cdv_regles.catalogue import construire
    from cdv_regles.greffons import Greffon, charger

    module = types.ModuleType("cdv_regles_essai_types")

    @hookimpl
    def cdv_regles_colonnes() -> list[dict]:
        return [{"id": "taux_essai", "entete": "Taux d'essai", "type": "pourcentage"},
                {"id": "montant_essai", "entete": "Montant d'essai", "type": "montant"}]

    module.cdv_regles_colonnes = cdv_regles_colonnes
    greffons = charger({"etat", "valenciennes-metropole", "departement-nord", "region-hdf", "caf-nord",
                        "ars-hdf", "cpam-hainaut"})
    greffons.gestionnaire.register(module, name="essai")
    greffons.actifs.append(Greffon("essai", module, "0", "essai", "Essai"))
    catalogue = construire(greffons, 2023)
    ids = {c.id for c in catalogue.colonnes}
    assert "montant_essai" in ids and "taux_essai" not in ids
    assert any(d.greffon == "essai" and "type inconnu « pourcentage »" in d.message for d in catalogue.defauts)


def test_une_colonne_qui_mele_vrai_et_un_lit_chaque_cellule_selon_sa_classe(environnement_2023) -> None:
    """True == 1 == 1.0 en Python : la conversion en bloc ne doit pas lire l'une pour l'autre
    (un classeur ouvert par xlwings donne une case cochée True et un montant 1.0)."""
    from cdv_regles.conversion import convertir
    from cdv_regles.exemples import dossier_type
    from cdv_regles.lecture import table_depuis_valeurs

    _, catalogue = environnement_2023
    _, base = dossier_type(2023)
    ids = [c.id for c in catalogue.colonnes if c.id in base or c.id in ("cout_total", "piece_cerfa")]
    assert "cout_total" in ids and "piece_cerfa" in ids
    par_entete = {c.id: c.entete for c in catalogue.colonnes}
    lignes = []
    for k, (montant, case) in enumerate([(1.0, True), (True, 1), (1, 1.0), ("1", "Oui")]):
        d = dict(base, numero_dossier=f"D{k}", cout_total=montant, piece_cerfa=case)
        lignes.append([d.get(i) for i in ids])
    brute = table_depuis_valeurs([[par_entete[i] for i in ids], *lignes], chemin="x.xlsx", feuille="Programmation")
    t = convertir(brute, catalogue.colonnes, catalogue.referentiels)
    assert t.colonnes["cout_total"] == [1.0, None, 1.0, 1.0]
    assert [(i.colonne.id, i.valeur) for i in t.illisibles] == [("cout_total", True)]
    assert t.colonnes["piece_cerfa"] == [True, True, True, True]
