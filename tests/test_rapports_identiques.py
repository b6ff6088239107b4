"""Issue 15.2 : les rapports accélérés sont, octet pour octet, ceux de l'ancien chemin : le JSON
(dictionnaires écrits à la main, encodeur rapide) celui de ``dataclasses.asdict`` +
``json.dumps(indent=2)`` ; le JUnit (XML écrit directement) celui d'``ElementTree`` ; les
annotations GitHub (échappement sans expression régulière) celles de l'ancien échappement. Sur
l'exemple, le banc d'essai et un résultat aux textes hostiles (contrôles, XML, Markdown, « % »,
retours à la ligne, constats de tableau, lignes hors du tableau, famille inconnue, greffons en
défaut)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import asdict, replace
from pathlib import Path, PurePath

import pytest

from cdv_regles.affichage import visible
from cdv_regles.constats import FAMILLES, Constat, atteint, trier
from cdv_regles.greffons import Defaut
from cdv_regles.rapports import github, json_, junit
from cdv_regles.rapports.lecture import lecture
from cdv_regles.verification import verifier_fichier

RACINE = Path(__file__).resolve().parents[1]


def _ancien(resultat, seuil: str = "bloquant") -> str:
    """Le rendu d'avant l'issue 15, recopié tel quel : la référence."""
    resume = resultat.resume()
    resume["seuil_echec"] = seuil
    resume["fichier"] = resultat.tableau.chemin

    def en_dict(c: Constat) -> dict:
        d = asdict(c)
        d["colonnes"] = list(c.entetes)
        del d["entetes"]
        return d

    texte = json.dumps({"lecture": lecture(resultat), "constats": [en_dict(c) for c in resultat.constats],
                        "resume": resume}, ensure_ascii=False, indent=2)
    return json_._CONTROLES.sub(lambda m: f"\\u{ord(m.group(0)):04x}", texte) + "\n"


@pytest.fixture(scope="module")
def tableau_de_banc(tmp_path_factory) -> Path:
    """300 dossiers du banc d'essai (benchmarks/generer.py : ~30 % fautifs), en CSV."""
    sys.path.insert(0, str(RACINE / "benchmarks"))
    try:
        import generer
    finally:
        sys.path.pop(0)
    chemins = generer.tableaux(tmp_path_factory.mktemp("banc"), [(300, "csv")])
    return chemins[300, "csv"]


@pytest.mark.parametrize("quoi", ["exemple", "banc"])
def test_rapport_json_identique_a_l_ancien_rendu(quoi, request):
    chemin = RACINE / "classeurs" / "exemple-programmation-2023.xlsx" if quoi == "exemple" \
        else request.getfixturevalue("tableau_de_banc")
    resultat = verifier_fichier(chemin, millesime=2023, date_reference=dt.date(2023, 3, 1))
    assert len(resultat.constats) > 10  # des constats de toutes sortes, pas un rapport vide
    for seuil in ("bloquant", "alerte"):
        assert json_.rendre(resultat, seuil=seuil).encode() == _ancien(resultat, seuil).encode()


@pytest.mark.parametrize("valeur", [
    {}, [], {"a": []}, {"a": {}}, [[], {}], {"x": 1.5, "y": -0.0, "z": float("nan")}, {"n": True, "m": None},
    {"imbrique": {"liste": [1, "deux", [3.25, {"quatre": False}]], "vide": {}}},
    {"texte": "é\"\\\n\t\x01\u2028", 3: "clé entière"}, ("tuple", 1), [10**30, -7],
])
def test_indente_comme_json_dumps(valeur):
    assert json_.indente(valeur) == json.dumps(valeur, ensure_ascii=False, indent=2)


def _cite_ancien(adresse: str, message: str) -> bool:
    return re.search(rf"(?<![A-Z0-9]){re.escape(adresse)}(?![0-9])", message) is not None


@pytest.mark.parametrize("adresse", ["X3", "A1", "AB12", "B10"])
@pytest.mark.parametrize("message", [
    "", "X3", "AX3", "X30", "X3X3", "AX3 puis X3.", "X3a", "(X3)", "9X3", "X39 X3", "aX3", "ÉX3", "X3٣",
    "cellules AB12, B10 et A10", "A1A1", "B100 B10", "AAB12 AB120 AB12", "X3X30",
])
def test_cite_comme_l_expression_reguliere(adresse, message):
    from cdv_regles.rapports.github import cite

    assert cite(adresse, message) == _cite_ancien(adresse, message)


# --- JUnit et GitHub ------------------------------------------------------------------------

HOSTILE = ("1\x1b[2J\r\n::error file=forge.xlsx::faux, bloquant 100% \n=== Dossier FAUX ===\u202e\x85\u2028\t"
           "\x00\x7f\x9b & <a href=\"x\"> 'q' *gras* _x_ |pipe| `c` [l](u) ~ \\ \r fin\x0b\ufffe")


@pytest.fixture(scope="module")
def exemple():
    return verifier_fichier(RACINE / "classeurs" / "exemple-programmation-2023.xlsx", millesime=2023,
                            date_reference=dt.date(2023, 3, 1))


def _hostile(r):
    """L'exemple, avec des constats de greffon aux textes hostiles en plus de quelques vrais."""
    cols = list(r.tableau.position)[:4]
    ent = [r.tableau.types[c].entete for c in cols]
    l0 = r.tableau.lignes[0]
    constats = [
        Constat("", None, "LEC-X", "schema", "bloquant", "socle", (), HOSTILE, (), ""),
        Constat("", None, "LEC-Y", "schema", "info", "etat", (cols[0],), "colonne " + HOSTILE, (ent[0],), "NC"),
        Constat("", None, "LEC-Z", "schema", "alerte", "socle", (), "", (), HOSTILE),
        Constat(f"ligne {l0}", l0, "SCH-A", "schema", "bloquant", "socle", (cols[0], cols[1]), "cite X3, AX3",
                (ent[0], ent[1]), "S"),
        Constat('N\x1b[31m1 & <x> "q"', l0 + 1, "BUD-B", "budget", "alerte", "etat", tuple(cols), HOSTILE,
                tuple(ent), HOSTILE),
        Constat("D:1,2", l0 + 1, "BUD-C", "budget", "info", "socle", (cols[2],), "100 % : " + HOSTILE, (), ""),
        Constat("D\u2028", l0 + 1, "PRI-D", "priorites", "bloquant", "anct", ("inconnue",), "", (), "PROT2019"),
        Constat("hors", 99999, "PRI-E", "priorites", "alerte", "anct", (cols[0],), "hors " + HOSTILE, (ent[0],), ""),
        Constat("", 99998, "PRI-F", "autre_famille", "info", "anct", (), "famille inconnue", (), ""),
        Constat("ligne 7", 7, "EGA-G", "egalite", "info", "socle", (cols[3],), "\n", (ent[3],), "\r\n"),
        *r.constats[:30],
    ]
    tableau = copy.copy(r.tableau)
    tableau.chemin, tableau.feuille = 'dossier/prog & <co> \x1b.csv', 'Feuille \x1b "1"'
    return replace(r, constats=trier(constats), tableau=tableau,
                   defauts=[Defaut("greffon\x1b", "message " + HOSTILE), Defaut("g2", "x\ny")])


@pytest.fixture(scope="module", params=["exemple", "hostile", "sans constat"])
def resultat(request, exemple):
    if request.param == "hostile":
        return _hostile(exemple)
    return replace(exemple, constats=[], defauts=[]) if request.param == "sans constat" else exemple


def _junit_ancien(resultat, seuil: str) -> str:
    """Le rendu JUnit d'avant l'issue 15 (ElementTree), recopié tel quel : la référence."""
    def cas_(suite, classe, nom, constats, fichier, ligne):
        cas = ET.SubElement(suite, "testcase", classname=junit._xml(classe), name=junit._xml(nom),
                            file=junit._xml(fichier))
        if ligne is not None:
            cas.set("line", str(ligne))
        echecs = [c for c in constats if atteint(c.gravite, seuil)]
        autres = [c for c in constats if not atteint(c.gravite, seuil)]
        if echecs:
            echec = ET.SubElement(cas, "failure", type=echecs[0].gravite,
                                  message=junit._xml("\n".join(f"{c.regle} : {c.message}" for c in echecs)))
            echec.text = junit._xml("\n".join(junit._ligne_constat(c, resultat.cellules(c)) for c in echecs))
        if autres:
            ET.SubElement(cas, "system-out").text = junit._xml(
                "\n".join(junit._ligne_constat(c, resultat.cellules(c)) for c in autres))
        return bool(echecs)

    fichier = resultat.tableau.chemin
    nom_suite = PurePath(fichier).name or fichier
    familles = list(FAMILLES) + sorted({c.famille for c in resultat.constats} - set(FAMILLES))
    par_ligne: dict = {}
    for c in resultat.constats:
        par_ligne.setdefault(c.ligne, []).append(c)
    cas_dossiers = junit.dossiers(resultat)
    connues = {ligne for _, ligne in cas_dossiers}
    cas_dossiers += sorted({(c.dossier or "sans N°", c.ligne) for c in resultat.constats
                            if c.ligne is not None and c.ligne not in connues}, key=lambda d: d[1])
    racine = ET.Element("testsuites", name="cdv-regles")
    suite = ET.SubElement(racine, "testsuite", name=junit._xml(nom_suite))
    proprietes = ET.SubElement(suite, "properties")
    for nom, valeur in (("fichier", fichier), ("feuille", resultat.tableau.feuille or ""),
                        ("millesime", resultat.millesime), ("date_reference", resultat.date_reference.isoformat()),
                        ("version_regles", resultat.version_regles), ("seuil_echec", seuil)):
        ET.SubElement(proprietes, "property", name=nom, value=junit._xml(valeur))
    nb_cas = nb_echecs = nb_erreurs = 0
    for dossier, ligne in cas_dossiers:
        constats = par_ligne.get(ligne, [])
        for famille in familles:
            nb_cas += 1
            nb_echecs += cas_(suite, f"Dossier {dossier} (ligne {ligne})", famille,
                              [c for c in constats if c.famille == famille], fichier, ligne)
    nb_cas += 1
    nb_echecs += cas_(suite, nom_suite, "Tableau", par_ligne.get(None, []), fichier, None)
    if resultat.defauts:
        nb_cas += 1
        nb_erreurs += 1
        cas = ET.SubElement(suite, "testcase", classname=junit._xml(nom_suite), name="Greffons et fichiers de règles")
        erreur = ET.SubElement(cas, "error", type="defaut", message=junit._xml(
            f"{len(resultat.defauts)} greffon(s) ou fichier(s) de règles en défaut"))
        erreur.text = junit._xml("\n".join(str(d) for d in resultat.defauts))
    for element in (racine, suite):
        element.set("tests", str(nb_cas))
        element.set("failures", str(nb_echecs))
        element.set("errors", str(nb_erreurs))
    suite.set("skipped", "0")
    ET.indent(racine)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(racine, encoding="unicode") + "\n"


def _github_ancien(resultat) -> str:
    """Les annotations d'avant l'issue 15 (échappement par re.sub, tout le message d'un coup)."""
    def message_(texte):
        texte = re.sub(r"[^\r\n]+", lambda m: visible(m.group(0)), texte)
        return texte.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def propriete(texte):
        return message_(texte).replace(":", "%3A").replace(",", "%2C")

    def annotation(commande, message, **proprietes):
        props = ",".join(f"{cle}={propriete(str(v))}" for cle, v in proprietes.items() if v is not None)
        return f"::{commande}{' ' + props if props else ''}::{message_(message)}"

    def message_constat(c):
        cellules = [a for a in resultat.cellules(c) if not _cite_ancien(a, c.message)]
        m = c.message + (f" (cellule{'s' if len(cellules) > 1 else ''} {', '.join(cellules)})" if cellules else "")
        return m + (f"\nSource : {c.source}" if c.source else "")

    fichier = github.chemin_depot(resultat.tableau.chemin)
    lignes = [annotation(github.COMMANDES[c.gravite], message_constat(c), file=fichier, line=c.ligne,
                         title=github._titre(c)) for c in resultat.constats]
    lignes += [annotation("error", str(d), title="Greffon ou fichier de règles en défaut") for d in resultat.defauts]
    lignes.append(github.resume_une_ligne(resultat))
    return "\n".join(lignes) + "\n"


@pytest.mark.parametrize("seuil", ["bloquant", "alerte", "info"])
def test_junit_identique_a_elementtree(resultat, seuil):
    assert junit.rendre(resultat, seuil=seuil) == _junit_ancien(resultat, seuil)


def test_junit_du_banc_identique_a_elementtree(tableau_de_banc):
    r = verifier_fichier(tableau_de_banc, millesime=2023, date_reference=dt.date(2023, 3, 1))
    assert junit.rendre(r, seuil="alerte") == _junit_ancien(r, "alerte")


def test_github_identique_a_l_ancien_echappement(resultat):
    assert github.rendre(resultat) == _github_ancien(resultat)


def test_json_identique_sur_textes_hostiles(resultat):
    assert json_.rendre(resultat).encode("utf-8", "surrogatepass") == _ancien(resultat).encode("utf-8", "surrogatepass")


class _Texte(str):
    pass


def test_json_des_constats_de_forme_inattendue(exemple):
    """Un greffon peut fabriquer un Constat aux champs mal typés : le gabarit des constats cède
    alors la place au chemin générique, et le texte reste celui de json.dumps."""
    bizarres = [
        Constat("D1", True, "X-A", "budget", "alerte", "anct", ("a",), "ligne booléenne", ("A",), ""),
        Constat(12, 3, "X-B", "budget", "alerte", "anct", (), "dossier entier", (), "S"),
        Constat("D3", 4.0, "X-C", "budget", "info", "anct", ("a", "b"), "ligne à virgule", ["A", "B"], "S"),
        Constat(_Texte("D4\x85"), 5, _Texte("X-D"), "budget", "info", "anct", ("a",), _Texte("m\u2028"),
                (_Texte("É\x9b"),), _Texte("S\u202e")),
        Constat("D5", None, "X-E", "budget", "info", "anct", (), "m", ("A", 7), None),
    ]
    r = replace(exemple, constats=bizarres + exemple.constats[:5])
    assert json_.rendre(r) == _ancien(r)


def test_tout_caractere_echappe_du_json_est_non_imprimable():
    # json_._echapper saute l'expression régulière quand str.isprintable() dit le texte sans
    # non-imprimable : juste seulement si aucun caractère qu'elle échappe n'est imprimable.
    echappes = [chr(i) for i in range(0x110000) if json_._CONTROLES.match(chr(i))]
    assert len(echappes) == 46
    assert not any(c.isprintable() for c in echappes)
    assert json_._echapper('"a\xa0b\u202fc\x85"') == '"a\xa0b\u202fc\\u0085"'


# --- Texte --------------------------------------------------------------------------------

def _par_dossier_ancien(constats, couleur):
    """Les constats du rapport texte d'avant l'issue 15 (visible() sur chaque texte)."""
    from itertools import groupby

    from cdv_regles.rapports.texte import _LIBELLES, _gras, _style

    lignes = []
    for (dossier, ligne), groupe in groupby(constats, key=lambda c: (c.dossier, c.ligne)):
        if not ligne:
            titre = "Tableau entier"
        elif dossier == f"ligne {ligne}":
            titre = f"Dossier sans N° (ligne {ligne})"
        else:
            titre = f"Dossier {visible(dossier)} (ligne {ligne})"
        lignes.append(_gras(titre) if couleur else titre)
        for c in groupe:
            etiquette = _style(f"{_LIBELLES[c.gravite]:<9}", c.gravite, couleur)
            qui = "" if c.partenaire == "socle" else f" [{c.partenaire}]"
            lignes.append(f"  {etiquette} {visible(c.regle)}{visible(qui)} : {visible(c.message)}")
            if c.source:
                lignes.append(f"  {'':<9} Source : {visible(c.source)}")
        lignes.append("")
    return lignes


@pytest.mark.parametrize("couleur", [False, True])
def test_texte_identique_a_l_ancien_rendu(resultat, couleur):
    from cdv_regles.rapports import texte

    assert texte._par_dossier(resultat.constats, couleur) == _par_dossier_ancien(resultat.constats, couleur)


def test_constats_aux_champs_non_hachables(exemple):
    """Les mémoires des rendus (règle, source) cèdent devant un champ non hachable qu'un greffon
    aurait mis : même texte qu'avant, jamais d'erreur."""
    from cdv_regles.rapports import texte

    bizarres = [Constat("D1", 3, ["X", "L"], "budget", "alerte", "anct", (), "m", (), ["S"]),
                Constat("D1", 3, "X-B", "budget", "alerte", "anct", (), "m\x1b", (), ["S", "\x1b"])]
    r = replace(exemple, constats=bizarres + exemple.constats[:5])
    assert texte._par_dossier(r.constats, False) == _par_dossier_ancien(r.constats, False)
    r = replace(exemple, constats=bizarres[1:] + exemple.constats[:5])  # GitHub : seule la source
    assert github.rendre(r) == _github_ancien(r)


# --- Markdown -----------------------------------------------------------------------------

@pytest.mark.parametrize("attribut", ["famille", "partenaire"])
def test_comptes_markdown_identiques_a_l_ancien_rendu(resultat, attribut):
    from cdv_regles.constats import GRAVITES
    from cdv_regles.rapports import markdown

    def ancien(titre, cles, constats):
        lignes = [f"| {titre} | " + " | ".join(markdown._TITRES[g] for g in GRAVITES) + " | Total |",
                  "|---|" + "---:|" * (len(GRAVITES) + 1)]
        for cle in cles:
            des = [c for c in constats if getattr(c, attribut) == cle]
            lignes.append(f"| {markdown.echapper(cle)} | "
                          + " | ".join(str(sum(c.gravite == g for c in des)) for g in GRAVITES) + f" | {len(des)} |")
        return lignes

    cles = [*sorted({getattr(c, attribut) for c in resultat.constats}), "absente"]
    assert markdown._comptes("T", cles, resultat.constats, attribut) == ancien("T", cles, resultat.constats)


# --- Tri des constats -----------------------------------------------------------------------

def test_tri_en_quatre_passes_comme_la_cle_n_uplet(exemple):
    """constats.trier (quatre tris stables) donne exactement l'ordre de la clé (ligne, gravité,
    règle, colonnes), ex æquo compris ; des colonnes incomparables (liste et n-uplet d'un greffon)
    se rabattent sur la clé."""
    import random

    from cdv_regles.constats import RANG_GRAVITE

    def ancien(constats):
        return sorted(constats, key=lambda c: (c.ligne or 0, RANG_GRAVITE[c.gravite], c.regle, c.colonnes))

    base = list(exemple.constats) + _hostile(exemple).constats
    base += [replace(c, message=c.message + " (bis)") for c in base[:20]]  # ex æquo parfaits
    base += [Constat("D", 0, "A", "budget", "info", "socle", (), "ligne 0", (), ""),
             Constat("D", 3, "A", "budget", "info", "socle", ("b",), "m", (), ""),
             Constat("D", 3, "A", "budget", "info", "socle", ("a", "c"), "m", (), ""),
             Constat("D", 3, "AB", "budget", "bloquant", "socle", ("a",), "m", (), "")]
    for graine in range(20):
        constats = list(base)
        random.Random(graine).shuffle(constats)
        attendu, vu = ancien(constats), trier(constats)
        assert all(a is b for a, b in zip(attendu, vu, strict=True))
    bizarres = [Constat("D", 3, "A", "budget", "info", "x", ["a"], "m", (), ""),
                Constat("D", 4, "A", "budget", "info", "x", ("a",), "m", (), "")]
    assert trier(bizarres[::-1]) == bizarres
