"""La synthèse pour le comité : chiffres (calculés sur un petit tableau dont on connaît les
totaux), rubriques des greffons, rapport HTML autonome, sortie JSON, commande, classeur exemple."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import sys
import types
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cdv_regles.cli import cdv_regles
from cdv_regles.synthese.format import NBSP

RACINE = Path(__file__).resolve().parent.parent
CLASSEUR_EXEMPLE = RACINE / "classeurs" / "exemple-programmation-2023.xlsx"
DATE = dt.date(2023, 3, 1)

# Le dossier type demande 8 000 € à l'État et 5 000 € à Valenciennes Métropole (coût 20 000 €).
LIGNES = [
    {"numero_dossier": "A", "porteur": "Association Exemple"},
    {"numero_dossier": "B", "porteur": "Zèbre Association", "montant_etat": "3 000", "montant_cavm": None,
     "montant_region": "2 000", "fonds_propres": "15 000", "communes": "Anzin; valenciennes",
     "qpv": "Verrerie - Square République; Zone Intercommunale Rives de l'Escaut",
     "orientation": "1 - Entraînement social et territorial du développement économique",
     "diagnostic_sexue": "Non", "marqueur_egalite": 0},
    {"numero_dossier": "C", "porteur": "Porteur refusé", "statut": "Refusé", "marqueur_egalite": 0},
    {"numero_dossier": "D", "porteur": "Zèbre Association", "montant_etat": "4 000", "montant_cavm": None,
     "montant_caf": "1 000", "fonds_propres": "15 000", "communes": "Quiévrechain", "qpv": "Centre-Ville",
     "orientation": 1, "diagnostic_sexue": "Non", "marqueur_egalite": 0},
    {"numero_dossier": "E", "porteur": "Égalité d'abord", "projet_egalite": "Oui", "marqueur_egalite": 2,
     "statut": "Note d'intention"},
]


def _verifier(lignes: list[dict[str, Any]], parametres: dict[str, Any] | None = None):
    from cdv_regles.exemples import table_exemple
    from cdv_regles.verification import preparer, verifier_avec

    greffons, catalogue = preparer(2023)
    catalogue = replace(catalogue, surcharges=dict(parametres or {}))
    resultat = verifier_avec(table_exemple({"lignes": lignes}, catalogue), greffons, catalogue, DATE)
    return resultat, greffons


@pytest.fixture(scope="module")
def calcul() -> tuple[Any, dict[str, Any]]:
    from cdv_regles.synthese.calcul import calculer_synthese

    resultat, greffons = _verifier(LIGNES)
    return resultat, calculer_synthese(resultat, greffons)


@pytest.fixture(scope="module")
def socle(calcul) -> dict[str, Any]:
    return calcul[1]["rubriques"]["socle"]


def _financeur(socle: dict[str, Any], cle: str) -> dict[str, Any]:
    return next(f for f in socle["financeurs"] if f["cle"] == cle)


# --- chiffres -----------------------------------------------------------------------------------

def test_totaux_par_financeur_hors_refuses(socle) -> None:
    # A 8 000 + B 3 000 + D 4 000 + E 8 000 ; C (refusé) n'est pas compté.
    assert (_financeur(socle, "etat")["total_demande"], _financeur(socle, "etat")["dossiers"]) == (23000.0, 4)
    assert (_financeur(socle, "cavm")["total_demande"], _financeur(socle, "cavm")["dossiers"]) == (10000.0, 2)
    assert (_financeur(socle, "region")["total_demande"], _financeur(socle, "region")["dossiers"]) == (2000.0, 1)
    assert (_financeur(socle, "caf")["total_demande"], _financeur(socle, "caf")["dossiers"]) == (1000.0, 1)
    assert (_financeur(socle, "ars")["total_demande"], _financeur(socle, "ars")["dossiers"]) == (0.0, 0)
    perimetre = socle["perimetre"]
    assert (perimetre["dossiers"], perimetre["dossiers_retenus"]) == (5, 4)
    assert perimetre["statuts_exclus"] == ["Refusé", "Abandonné"]
    assert perimetre["total_demande"] == 36000.0  # 13 000 + 5 000 + 5 000 + 13 000


def test_enveloppe_depassee_quand_on_l_impose() -> None:
    from cdv_regles.synthese.calcul import calculer_synthese

    resultat, greffons = _verifier(LIGNES, {"enveloppe_region": 1500, "enveloppe_caf": 5000})
    socle = calculer_synthese(resultat, greffons)["rubriques"]["socle"]
    region, caf = _financeur(socle, "region"), _financeur(socle, "caf")
    assert (region["enveloppe"], region["enveloppe_depassee"], region["ecart_enveloppe"]) == (1500.0, True, -500.0)
    assert region["taux_enveloppe"] == pytest.approx(2000 / 1500, abs=1e-4)
    assert (caf["enveloppe"], caf["enveloppe_depassee"], caf["ecart_enveloppe"]) == (5000.0, False, 4000.0)
    # Même verdict que la règle BUD-ENVELOPPE (alerte de tableau) : la Région seule.
    enveloppes = [c.message for c in resultat.constats if c.regle == "BUD-ENVELOPPE"]
    assert len(enveloppes) == 1 and "Région" in enveloppes[0]


def test_sans_enveloppe_pour_le_millesime_rien_n_est_compare(socle) -> None:
    # PROT2019 donne une enveloppe Région pour 2017-2021 seulement : rien en 2023.
    region = _financeur(socle, "region")
    assert (region["enveloppe"], region["enveloppe_depassee"], region["ecart_enveloppe"]) == (None, None, None)


def test_par_orientation_les_six_avec_leur_libelle(socle) -> None:
    orientations = {o["numero"]: o for o in socle["orientations"]}
    assert sorted(orientations) == [1, 2, 3, 4, 5, 6]
    assert orientations[1]["libelle"] == "Entraînement social et territorial du développement économique"
    assert (orientations[1]["dossiers"], orientations[1]["total_demande"]) == (2, 10000.0)  # B, D
    assert (orientations[2]["dossiers"], orientations[2]["total_demande"]) == (2, 26000.0)  # A, E
    assert orientations[1]["par_financeur"]["etat"] == 7000.0
    assert orientations[3]["dossiers"] == 0


def test_par_commune_un_dossier_multi_communes_compte_pour_chacune(socle) -> None:
    communes = {c["nom"]: c for c in socle["communes"]["lignes"]}
    # « valenciennes » saisi en minuscules est ramené au nom officiel.
    assert set(communes) == {"Valenciennes", "Anzin", "Quiévrechain"}
    assert (communes["Valenciennes"]["dossiers"], communes["Valenciennes"]["total_demande"]) == (3, 31000.0)
    assert (communes["Anzin"]["dossiers"], communes["Anzin"]["total_demande"]) == (1, 5000.0)
    assert communes["Valenciennes"]["multi"] == 1 and communes["Anzin"]["multi"] == 1
    assert socle["communes"]["dossiers_multi"] == 1
    # La somme par commune dépasse le total du tableau : B compte deux fois.
    assert sum(c["total_demande"] for c in communes.values()) == 41000.0 > socle["perimetre"]["total_demande"]


def test_par_qpv_nom_court_resolu_par_la_commune(socle) -> None:
    qpv = {q["nom"]: q for q in socle["qpv"]["lignes"]}
    assert qpv["Centre-Ville (Quiévrechain)"]["dossiers"] == 1
    assert qpv["Dutemple Chasse Royale Saint-Waast - La Sentinelle"]["dossiers"] == 2
    assert qpv["Verrerie - Square République"]["multi"] == 1
    assert not any(q["hors_referentiel"] for q in qpv.values())


def test_par_statut_tous_les_dossiers(socle) -> None:
    statuts = {s["statut"]: s for s in socle["statuts"]}
    assert statuts["En instruction"]["dossiers"] == 3
    assert statuts["Note d'intention"]["dossiers"] == 1
    assert (statuts["Refusé"]["dossiers"], statuts["Refusé"]["retenu"]) == (1, False)
    assert sum(s["dossiers"] for s in statuts.values()) == 5


def test_marqueurs_et_porteurs_au_marqueur_zero(socle) -> None:
    egalite = socle["egalite"]
    assert egalite["par_marqueur"] == {"2": 1, "1": 1, "0": 2, "non_renseigne": 0}
    # Un porteur, deux dossiers ; le dossier refusé n'y est pas.
    assert egalite["porteurs_marqueur_0"] == [
        {"porteur": "Zèbre Association", "dossiers": ["B", "D"], "lignes": [3, 5]}]


def test_comptes_des_constats(calcul) -> None:
    resultat, synthese = calcul
    comptes = synthese["rubriques"]["socle"]["constats"]
    assert comptes["total"] == len(resultat.constats)
    assert sum(comptes["par_gravite"].values()) == len(resultat.constats)
    par_partenaire = {p["partenaire"]: p for p in comptes["par_partenaire"]}
    for code, p in par_partenaire.items():
        assert p["total"] == sum(1 for c in resultat.constats if c.partenaire == code)
    # B et D, au marqueur 0 : une information du socle chacun (accompagnement renforcé).
    zero = {c.dossier for c in resultat.constats if c.regle == "EGA-MARQUEUR-ZERO"}
    assert zero == {"B", "D"} and par_partenaire["socle"]["info"] >= 2
    assert comptes["par_famille"]["egalite"] >= 2


def test_json_stable_et_valide(calcul) -> None:
    _, synthese = calcul
    relu = json.loads(json.dumps(synthese, ensure_ascii=False, allow_nan=False))
    assert relu == synthese
    assert (relu["format"], relu["version_format"], relu["millesime"]) == ("cdv-regles/synthese", 1, 2023)
    assert relu["date_reference"] == "2023-03-01"


# --- greffons -----------------------------------------------------------------------------------

def _greffon_factice(greffons: Any, nom: str, fonction: Any) -> None:
    from cdv_regles.greffons import Greffon
    from cdv_regles.hookspecs import hookimpl

    module = types.ModuleType(nom)
    module.cdv_regles_synthese = hookimpl(fonction)
    greffons.gestionnaire.register(module, name=nom)
    greffons.actifs.append(Greffon(nom, module, "0", partenaire=nom, nom_partenaire=f"Partenaire {nom}"))


def test_rubriques_des_greffons_et_greffon_en_defaut() -> None:
    from cdv_regles.synthese.calcul import calculer_synthese
    from cdv_regles.synthese.html import rendre_html

    resultat, greffons = _verifier(LIGNES)

    def chiffres(tableau, constats, contexte):
        return {"Crédits sur l'orientation 1": {"montant_orientation_1": float(tableau["montant_etat"].sum()),
                                                 "part_orientation_1": 0.25, "jour": dt.date(2023, 1, 2)}}

    def casse(tableau, constats, contexte):
        raise ValueError("colonne introuvable")

    _greffon_factice(greffons, "factice", chiffres)
    _greffon_factice(greffons, "casse", casse)
    synthese = calculer_synthese(resultat, greffons)
    rubrique = synthese["rubriques"]["factice"]["Crédits sur l'orientation 1"]
    assert rubrique == {"montant_orientation_1": 31000.0, "part_orientation_1": 0.25, "jour": "2023-01-02"}
    assert "socle" in synthese["rubriques"] and "casse" not in synthese["rubriques"]
    assert any("casse" in d and "colonne introuvable" in d for d in synthese["defauts_greffons"])
    html = rendre_html(synthese, resultat.constats)
    assert "Partenaire factice" in html
    assert f"31{NBSP}000{NBSP}€" in html and f"25{NBSP}%" in html
    assert "colonne introuvable" in html  # le défaut est dit dans le rapport


def test_hook_du_socle_accepte_par_pluggy() -> None:
    import pluggy

    from cdv_regles import hookspecs
    from cdv_regles.synthese import socle

    pm = pluggy.PluginManager("cdv_regles")
    pm.add_hookspecs(hookspecs)
    pm.register(socle, name="synthese-socle")
    assert [i.plugin_name for i in pm.hook.cdv_regles_synthese.get_hookimpls()] == ["synthese-socle"]


# --- rapport HTML -------------------------------------------------------------------------------

class _Liens(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.references: list[str] = []
        self.balises: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.balises.add(tag)
        self.references += [v or "" for k, v in attrs if k in ("src", "href", "xlink:href", "action", "data")]


def test_html_autonome_sans_reseau(calcul) -> None:
    from cdv_regles.synthese.html import rendre_html

    resultat, synthese = calcul
    html = rendre_html(synthese, resultat.constats, porteurs={"B": "Zèbre Association"})
    liens = _Liens()
    liens.feed(html)
    assert liens.references, "le sommaire a des ancres internes"
    assert all(r.startswith("#") for r in liens.references), liens.references
    assert not {"script", "link", "img", "iframe"} & liens.balises
    assert "@import" not in html and "url(" not in html
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", html)
    assert html.count("<svg") >= 6  # financeurs, orientations, communes, QPV, statuts, marqueurs, constats


def test_graphique_libelles_entiers_ou_sur_deux_lignes() -> None:
    from cdv_regles.synthese import svg
    from cdv_regles.synthese.format import montant

    long = "1 - Entraînement social et territorial du développement économique"
    dessin = svg.barres("Essai", [svg.Barre("Bruay-sur-l'Escaut", 207500), svg.Barre("Anzin", 1000),
                                  svg.Barre(long, 5000, repere=4000, alerte=True)], montant)
    textes = re.findall(r">([^<>]+)</t(?:ext|span)>", dessin)
    assert "Bruay-sur-l&#x27;Escaut" in textes  # un nom d'un seul mot n'est jamais tronqué
    assert " ".join(t for t in textes if t.startswith(("1 -", "économique")) or "développement" in t) == long
    assert f"207{NBSP}500{NBSP}€" in textes and "enveloppe" in textes
    assert dessin.count("<rect") == 3 and 'fill="#b3261e"' in dessin  # dépassement en rouge


def test_html_chiffres_en_francais(calcul) -> None:
    from cdv_regles.synthese.html import rendre_html

    resultat, synthese = calcul
    html = rendre_html(synthese, resultat.constats)
    assert f"23{NBSP}000{NBSP}€" in html  # total État
    assert f"36{NBSP}000{NBSP}€" in html  # total demandé
    assert "Zèbre Association" in html  # porteur au marqueur 0
    assert "Entraînement social et territorial du développement économique" in html
    assert "01/03/2023" in html


def test_html_constats_par_gravite_puis_dossier() -> None:
    from html import escape

    from cdv_regles.synthese.calcul import calculer_synthese
    from cdv_regles.synthese.html import rendre_html

    resultat, greffons = _verifier([
        # X : budget déséquilibré (bloquant) et marqueur 2 sans projet dédié (alerte).
        {"numero_dossier": "X", "fonds_propres": "6 000", "marqueur_egalite": 2},
        # Y : aucun QPV (alerte), marqueur 0 cohérent (info).
        {"numero_dossier": "Y", "qpv": None, "diagnostic_sexue": "Non", "participation_equilibree": "Non",
         "indicateurs_sexues": "Non", "marqueur_egalite": 0},
    ])
    vus = {(c.dossier, c.gravite) for c in resultat.constats}
    assert {("X", "bloquant"), ("X", "alerte"), ("Y", "alerte"), ("Y", "info")} <= vus
    html = rendre_html(calculer_synthese(resultat, greffons), resultat.constats)
    liste = html[html.index('<section id="constats">'):]
    for c in resultat.constats:
        assert escape(c.message) in liste
    debuts = [liste.index(f">{libelle}</span>") for libelle in ("Bloquant", "Alerte", "Info")]
    assert debuts == sorted(debuts)
    blocs = [liste[debuts[0]:debuts[1]], liste[debuts[1]:debuts[2]], liste[debuts[2]:]]
    assert re.findall(r"Dossier (\w+) · ligne", blocs[0]) == ["X"]
    # Chaque dossier forme un seul groupe, dans l'ordre des lignes du tableau.
    assert re.findall(r"Dossier (\w+) · ligne", blocs[1]) == ["X", "Y"]
    assert "Y" in re.findall(r"Dossier (\w+) · ligne", blocs[2])


# --- commande -----------------------------------------------------------------------------------

def test_commande_html_et_json(classeur, tmp_path: Path) -> None:
    fichier = classeur(LIGNES)
    runner = CliRunner()
    sortie = tmp_path / "rapport.html"
    r = runner.invoke(cdv_regles, ["synthese", str(fichier), "--sortie", str(sortie), "--date", "2023-03-01",
                                   "--sans", "ars-hdf"])
    assert r.exit_code == 0, r.output
    html = sortie.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and f"23{NBSP}000{NBSP}€" in html
    r = runner.invoke(cdv_regles, ["synthese", str(fichier), "--format", "json", "--date", "2023-03-01"])
    assert r.exit_code == 0, r.output
    donnees = json.loads(r.stdout)
    assert _financeur(donnees["rubriques"]["socle"], "etat")["total_demande"] == 23000.0
    # --sortie en .json : JSON sans --format.
    r = runner.invoke(cdv_regles, ["synthese", str(fichier), "--sortie", str(tmp_path / "s.json"),
                                   "--millesime", "2023"])
    assert r.exit_code == 0, r.output
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["dossiers"] == 5


def test_commande_erreurs_en_francais(classeur, tmp_path: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(cdv_regles, ["synthese", str(tmp_path / "absent.xlsx")])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "absent.xlsx" in r.stderr
    fichier = classeur(LIGNES)
    avant = fichier.read_bytes()
    r = runner.invoke(cdv_regles, ["synthese", str(fichier), "--sortie", str(fichier), "--millesime", "2023"])
    assert r.exit_code == 2 and "fichier vérifié" in r.stderr
    assert fichier.read_bytes() == avant
    r = runner.invoke(cdv_regles, ["synthese", str(fichier), "--sortie", str(tmp_path / "nulle-part" / "r.html"),
                                   "--millesime", "2023"])
    assert r.exit_code == 2 and "n'existe pas" in r.stderr
    r = runner.invoke(cdv_regles, ["synthese", str(fichier), "--sans", "socle"])
    assert r.exit_code == 2 and "socle" in r.stderr


def test_module_commande_n_importe_rien_de_lourd() -> None:
    import subprocess

    code = ("import sys, cdv_regles.synthese.commande\n"
            "print(sorted(m for m in ('polars', 'pandera', 'openpyxl', 'xlwings') if m in sys.modules))")
    sortie = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert sortie.stdout.strip() == "[]"


# --- classeur exemple ---------------------------------------------------------------------------

def _montant(v: Any) -> float:
    if v is None or v == "":
        return 0.0
    if isinstance(v, int | float):
        return float(v)
    return float(str(v).replace(NBSP, "").replace(" ", "").replace("€", "").replace(",", "."))


@pytest.mark.skipif(not CLASSEUR_EXEMPLE.exists(), reason="classeur exemple pas encore livré")
def test_classeur_exemple_chiffres_recalcules_avec_openpyxl(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(CLASSEUR_EXEMPLE, read_only=True, data_only=True)
    rangees = list(wb["Programmation"].iter_rows(values_only=True))
    entetes = list(rangees[0])
    lignes = [dict(zip(entetes, r, strict=False)) for r in rangees[1:] if any(v not in (None, "") for v in r)]
    # La ligne « TOTAL » sous le tableau n'est pas un dossier (issue 11.1).
    lignes = [ligne for ligne in lignes if ligne["N° dossier"] != "TOTAL"]
    comptees = [ligne for ligne in lignes if ligne["Statut"] not in ("Refusé", "Abandonné")]
    etat = [_montant(ligne["Montant sollicité État (politique de la ville)"]) for ligne in comptees]
    attendu_etat, dossiers_etat = sum(etat), sum(1 for m in etat if m > 0)
    attendu_region = sum(_montant(ligne["Montant sollicité Région Hauts-de-France"]) for ligne in comptees)
    orientation_1 = sum(1 for ligne in comptees if str(ligne["Orientation"] or "").strip().startswith("1"))
    marqueur_0 = sorted({ligne["Porteur"] for ligne in comptees if ligne["Marqueur égalité"] in (0, "0")})

    r = CliRunner().invoke(cdv_regles, ["synthese", str(CLASSEUR_EXEMPLE), "--format", "json",
                                        "--date", "2023-03-01", "--millesime", "2023"])
    assert r.exit_code in (0, 3), r.output
    synthese = json.loads(r.stdout)
    socle = synthese["rubriques"]["socle"]
    assert synthese["dossiers"] == len(lignes)
    assert socle["perimetre"]["dossiers_retenus"] == len(comptees)
    assert _financeur(socle, "etat")["total_demande"] == attendu_etat > 0
    assert _financeur(socle, "etat")["dossiers"] == dossiers_etat
    assert _financeur(socle, "region")["total_demande"] == attendu_region
    assert next(o for o in socle["orientations"] if o["numero"] == 1)["dossiers"] == orientation_1
    assert sorted(p["porteur"] for p in socle["egalite"]["porteurs_marqueur_0"]) == marqueur_0

    sortie = tmp_path / "rapport.html"
    r = CliRunner().invoke(cdv_regles, ["synthese", str(CLASSEUR_EXEMPLE), "--sortie", str(sortie),
                                        "--date", "2023-03-01"])
    assert r.exit_code in (0, 3), r.output
    html = sortie.read_text(encoding="utf-8")
    total_etat = f"{int(attendu_etat):,}".replace(",", NBSP) + f"{NBSP}€"
    assert total_etat in html


# --- vu comme une personne le verrait -----------------------------------------------------------

def _taille_png(chemin: Path) -> tuple[int, int]:
    entete = chemin.read_bytes()[:24]
    assert entete[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(entete[16:20], "big"), int.from_bytes(entete[20:24], "big")


@pytest.mark.skipif(not any(shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")),
                    reason="Chromium absent (apt-get install -y chromium)")
def test_capture_chromium(calcul, tmp_path: Path) -> None:
    sys.path.insert(0, str(RACINE / "outils"))
    from capture_synthese import capturer

    from cdv_regles.synthese.html import rendre_html

    resultat, synthese = calcul
    html = tmp_path / "rapport.html"
    html.write_text(rendre_html(synthese, resultat.constats), encoding="utf-8")
    png = capturer(html, tmp_path / "capture.png", largeur=1280, hauteur=1600)
    assert _taille_png(png) == (1280, 1600)
    # Une page blanche (rendu raté) compresse en quelques kilo-octets ; la synthèse, non.
    assert png.stat().st_size > 40_000


def test_cellules_hostiles_et_absurdes_dans_le_html(tmp_path: Path) -> None:
    """Une cellule à caractères de contrôle et un montant de 1e308 : le rapport HTML s'écrit, sans
    caractère de contrôle brut (14.2, 14.6)."""
    import csv

    from cdv_regles.exemples import table_exemple
    from cdv_regles.verification import preparer

    table = table_exemple({"lignes": [
        {"numero_dossier": "X\x1b[2J", "porteur": "P\r\n<b>\x07", "siret": "1\x1b2", "montant_etat": 1e308},
        {"numero_dossier": "Y", "montant_etat": 8000}]}, preparer(2023)[1])
    chemin = tmp_path / "hostile.csv"
    with chemin.open("w", encoding="utf-8", newline="") as f:
        ecrire = csv.writer(f, delimiter=";")
        ecrire.writerow(table.entetes)
        ecrire.writerows(table.lignes)
    sortie = tmp_path / "s.html"
    r = CliRunner().invoke(cdv_regles, ["synthese", str(chemin), "--sortie", str(sortie), "--date", "2023-03-01"],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    html = sortie.read_text(encoding="utf-8")
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", html)
    assert "X␛[2J" in html and "&lt;b&gt;" in html
