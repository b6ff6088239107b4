"""``verifier(book)`` contre le faux Book de ``faux_xlwings`` qui imite l'API xlwings et ce
qu'Excel fait des valeurs écrites ; il refuse tout appel que la vraie API n'a pas
(AttributeError), si bien qu'un usage hors API casse ces tests.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from faux_xlwings import FauxBook, FauxName, FauxTable, adresse, bornes, chercher, cle, lettres, numero
from faux_xlwings import ligne as ligne_de

from cdv_regles.classeur import feuilles as F
from cdv_regles.classeur.controle import verifier
from cdv_regles.classeur.resultats import LIGNE_ENTETE_CONTROLES

# --- Fabrication d'un classeur de test -------------------------------------------------------

def _colonnes() -> list:
    from cdv_regles import catalogue, greffons

    return list(catalogue.construire(greffons.charger(), 2023).colonnes)


def _en_excel(v: Any) -> Any:
    """Ce qu'xlwings renvoie pour une cellule : datetime pour une date, float pour un nombre."""
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return dt.datetime(v.year, v.month, v.day)
    if isinstance(v, bool):
        return "Oui" if v else "Non"
    if isinstance(v, int):
        return float(v)
    return v


def dossiers_exemple() -> tuple[dt.date, list[dict[str, Any]]]:
    """Cinq dossiers : un en règle, les autres avec un problème connu de chaque gravité."""
    from cdv_regles.exemples import dossier_type

    date_ref, base = dossier_type(2023)
    d1 = {**base, "numero_dossier": "2023-01", "porteur": "Association Les Tilleuls"}
    d2 = {**base, "numero_dossier": "2023-02", "porteur": None}  # obligatoire manquant
    d3 = {**base, "numero_dossier": "2023-03", "cout_total": "douze mille"}  # illisible
    d4 = {**base, "numero_dossier": "2023-04", "marqueur_egalite": None}  # alerte
    d5 = {**base, "numero_dossier": "2023-05", "diagnostic_sexue": "Non",  # info
          "participation_equilibree": "Non", "marqueur_egalite": 0}
    return date_ref, [d1, d2, d3, d4, d5]


def classeur_de_test(dossiers: list[dict[str, Any]], *, ligne: int = 1, colonne: int = 1,
                     tableau: bool = True, millesime: int | None = 2023) -> FauxBook:
    book = FauxBook()
    prog = book.sheets.add(F.FEUILLE_PROGRAMMATION)
    book.sheets.add(F.FEUILLE_REFERENTIELS, after=prog)
    colonnes = _colonnes()
    for j, c in enumerate(colonnes):
        prog.ecrire(ligne, colonne + j, c.entete)
    for i, d in enumerate(dossiers, start=1):
        for j, c in enumerate(colonnes):
            prog.ecrire(ligne + i, colonne + j, _en_excel(d.get(c.id)))
    if tableau:
        fin = f"{lettres(colonne + len(colonnes) - 1)}{ligne + len(dossiers)}"
        prog.tables.append(FauxTable(prog, F.TABLEAU, f"{lettres(colonne)}{ligne}:{fin}"))
    if millesime is not None:
        book.sheets[F.FEUILLE_REFERENTIELS].ecrire(3, 2, float(millesime))
        book.names.noms[F.NOM_MILLESIME] = FauxName(book, F.FEUILLE_REFERENTIELS, "B3")
    return book


def adresse_de(book: FauxBook, dossier: str, entete: str) -> str:
    prog = book.sheets[F.FEUILLE_PROGRAMMATION]
    ligne = next(lc[0] for lc, v in prog.valeurs.items() if v == dossier)
    col = next(lc[1] for lc, v in prog.valeurs.items() if v == entete)
    return f"{lettres(col)}{ligne}"


def attendu(book: FauxBook, date_ref: dt.date) -> Any:
    """Ce que le moteur de la ligne de commande trouve sur les mêmes valeurs."""
    from cdv_regles.lecture import table_depuis_valeurs
    from cdv_regles.verification import verifier_table

    prog = book.sheets[F.FEUILLE_PROGRAMMATION]
    valeurs = prog.used_range.options(ndim=2).value
    brute = table_depuis_valeurs(valeurs, chemin=book.name, feuille=prog.name, premiere_ligne=1,
                                 premiere_colonne=0)
    return verifier_table(brute, millesime=2023, date_reference=date_ref)


@pytest.fixture(scope="module")
def exemple() -> tuple[dt.date, list[dict[str, Any]]]:
    return dossiers_exemple()


# --- Les tests ---------------------------------------------------------------------------------

def test_controles_une_ligne_par_constat_du_moteur(exemple) -> None:
    date_ref, dossiers = exemple
    book = classeur_de_test(dossiers)
    resume = verifier(book, date_reference=date_ref)
    ref = attendu(book, date_ref)
    assert "erreur" not in resume, resume
    assert resume["constats"] == len(ref.constats) > 0

    controles = book.sheets[F.FEUILLE_CONTROLES]
    tout = controles.used_range.options(ndim=2).value
    # D'abord ce que la lecture a compris, puis le tableau des constats.
    assert tout[0][0].startswith("Lecture : feuille « Programmation », en-têtes en ligne 1, ")
    assert tout[1][0].startswith("Lignes écartées : ") and tout[2][0].startswith("Colonnes non reconnues")
    e = LIGNE_ENTETE_CONTROLES
    lignes = tout[e - 1:]
    assert lignes[0][:9] == ["Gravité", "Dossier", "Ligne", "Règle", "Famille", "Partenaire",
                             "Colonne(s)", "Message", "Source"]
    assert len(lignes) - 1 == len(ref.constats)
    vus = {(r[1] or "", r[3], r[7], r[8]) for r in lignes[1:]}
    assert vus == {(c.dossier, c.regle, c.message, c.source) for c in ref.constats}
    # Chaque constat dit d'où vient sa règle (document et section).
    assert all(r[8] for r in lignes[1:]), [r[3] for r in lignes[1:] if not r[8]]
    # Le dossier 2023-02 (porteur vide) a son constat « obligatoire », avec un lien vers la cellule.
    cellule = adresse_de(book, "2023-02", "Porteur")
    ligne = next(i for i, r in enumerate(tout, start=1)
                 if r[1] == "2023-02" and r[3].startswith("SCH-OBLIGATOIRE"))
    assert tout[ligne - 1][0] == "Bloquant"
    assert controles.formules[(ligne, 10)] == f'=HYPERLINK("#\'Programmation\'!{cellule}","{cellule}")'
    # « 2023-02 » reste un texte (pas une date) : colonne au format texte.
    assert controles.formats[(ligne, 2)] == "@"
    # Zone d'impression : l'en-tête et tous les constats, toutes les colonnes écrites.
    fin = lettres(max(col for _, col in controles.valeurs))
    assert controles.page_setup.print_area == f"$A$1:${fin}${len(tout)}"


def test_cellules_en_cause_colorees_selon_la_gravite(exemple) -> None:
    date_ref, dossiers = exemple
    book = classeur_de_test(dossiers)
    verifier(book, date_reference=date_ref)
    prog = book.sheets[F.FEUILLE_PROGRAMMATION]
    assert prog.couleurs[cle(adresse_de(book, "2023-02", "Porteur"))] == F.COULEURS["bloquant"]
    assert prog.couleurs[cle(adresse_de(book, "2023-03", "Coût total de l'action"))] == \
        F.COULEURS["bloquant"]
    assert prog.couleurs[cle(adresse_de(book, "2023-04", "Marqueur égalité"))] == F.COULEURS["alerte"]
    assert prog.couleurs[cle(adresse_de(book, "2023-05", "Marqueur égalité"))] == F.COULEURS["info"]
    # Les dossiers en règle ne sont pas colorés sur ces colonnes.
    assert cle(adresse_de(book, "2023-01", "Porteur")) not in prog.couleurs
    ref = attendu(book, date_ref)
    colorees = {adresse(lc) for lc in prog.couleurs}
    assert colorees == {a for c in ref.constats for a in ref.cellules(c)}


#: Noms des partenaires tels que la feuille Synthèse les affiche.
NOMS_PARTENAIRES = {"socle": "Règles communes du Contrat de Ville", "etat": "État (politique de la ville)"}


def _valeur(ws: Any, libelle: str) -> Any:
    """La valeur (colonne B) en face de ``libelle`` (colonne A) dans la feuille Synthèse."""
    return ligne_de(ws, chercher(ws, libelle))[1]


def _tableau(ws: Any, titre: str) -> tuple[list[Any], dict[str, list[Any]]]:
    """En-têtes et lignes (libellé → autres colonnes) du tableau qui suit le titre ``titre``."""
    debut = chercher(ws, titre) + 1
    entetes = [v for v in ligne_de(ws, debut) if v is not None]
    lignes: dict[str, list[Any]] = {}
    r = debut + 1
    while ligne_de(ws, r)[1] is not None:  # une note ou une ligne vide termine le tableau
        lignes[ligne_de(ws, r)[0]] = ligne_de(ws, r)[1:len(entetes)]
        r += 1
    return entetes, lignes


def test_synthese_et_boite_de_message(exemple) -> None:
    date_ref, dossiers = exemple
    book = classeur_de_test(dossiers)
    maintenant = dt.datetime(2022, 12, 5, 9, 30)
    resume = verifier(book, date_reference=date_ref, maintenant=maintenant)
    ws = book.sheets[F.FEUILLE_SYNTHESE]
    assert _valeur(ws, "Contrôle lancé le") == "05/12/2022 à 09:30"
    # Zone d'impression : tout ce qui est écrit, tableaux et graphiques (posés à droite).
    zone = re.fullmatch(r"\$A\$1:\$([A-Z]+)\$(\d+)", ws.page_setup.print_area)
    assert zone, ws.page_setup.print_area
    derniere_ligne = max(ligne for ligne, _ in ws.valeurs)
    assert int(zone.group(2)) >= derniere_ligne
    colonnes_tableaux = max(col for _, col in ws.valeurs)
    assert len(ws.charts) > 0 and numero(zone.group(1)) > colonnes_tableaux + 1  # les graphiques aussi
    assert _valeur(ws, "Millésime") == 2023
    assert _valeur(ws, "Date de référence des échéances") == date_ref.strftime("%d/%m/%Y")
    assert _valeur(ws, "Version des règles") == resume["version_regles"]
    assert _valeur(ws, "Dossiers lus") == 5
    assert _valeur(ws, "Constats") == resume["constats"]
    par_gravite = resume["par_gravite"]
    assert par_gravite["alerte"] >= 1 and par_gravite["info"] >= 1 and par_gravite["bloquant"] >= 2
    for g in ("bloquant", "alerte", "info"):
        assert _valeur(ws, f"Constats : {g}") == par_gravite[g]
    entetes, gravites = _tableau(ws, "Constats par gravité")
    assert entetes == ["Gravité", "Constats"]
    assert gravites == {"Bloquant": [par_gravite["bloquant"]], "Alerte": [par_gravite["alerte"]],
                        "Info": [par_gravite["info"]]}
    # Familles : « Structure et identifiants (schema) » ; le code entre parenthèses.
    entetes, familles = _tableau(ws, "Constats par famille de règles")
    assert entetes == ["Famille", "Constats"]
    assert familles["Structure et identifiants (schema)"] == [resume["par_famille"]["schema"]]
    assert {f.rsplit("(", 1)[1].rstrip(")"): n for f, (n,) in familles.items()} == resume["par_famille"]
    entetes, partenaires = _tableau(ws, "Constats par partenaire (auteur de la règle)")
    assert entetes == ["Partenaire", "Bloquants", "Alertes", "Infos", "Total"]
    assert partenaires[NOMS_PARTENAIRES["socle"]][-1] == resume["par_partenaire"]["socle"]
    assert {nom: n[-1] for nom, n in partenaires.items()} == {
        NOMS_PARTENAIRES[p]: n for p, n in resume["par_partenaire"].items()}
    assert [sum(n[k] for n in partenaires.values()) for k in range(3)] == [
        par_gravite["bloquant"], par_gravite["alerte"], par_gravite["info"]]

    # Graphiques Excel natifs, dont celui des constats par gravité (source : son tableau).
    graphiques = list(ws.charts)
    assert graphiques
    (gravite,) = [g for g in graphiques if g.title == "Constats par gravité"]
    debut = chercher(ws, "Constats par gravité") + 1
    assert bornes(gravite.source) == (debut, 1, debut + 3, 2)

    (alerte,) = book.app.alertes
    assert alerte["mode"] == "info"
    n = par_gravite["bloquant"]
    assert f"{resume['constats']} constat(s)" in alerte["prompt"]
    assert f"{n} bloquant" in alerte["prompt"] and "feuille Contrôles" in alerte["prompt"]
    assert book.active is book.sheets[F.FEUILLE_CONTROLES]

    # Un second « Vérifier » remplace la feuille et ses graphiques sans les empiler.
    verifier(book, date_reference=date_ref, maintenant=maintenant)
    assert [s.name for s in book.sheets].count(F.FEUILLE_SYNTHESE) == 1
    assert book.sheets[F.FEUILLE_SYNTHESE] is ws
    assert len(ws.charts) == len(graphiques)
    assert [g.title for g in ws.charts] == [g.title for g in graphiques]


def test_les_valeurs_saisies_ne_changent_jamais(exemple) -> None:
    date_ref, dossiers = exemple
    book = classeur_de_test(dossiers)
    prog = book.sheets[F.FEUILLE_PROGRAMMATION]
    avant = dict(prog.valeurs)
    verifier(book, date_reference=date_ref)
    verifier(book, date_reference=date_ref)
    assert prog.valeurs == avant and not prog.formules


def test_second_passage_efface_les_couleurs_du_premier(exemple) -> None:
    date_ref, dossiers = exemple
    book = classeur_de_test(dossiers)
    prog = book.sheets[F.FEUILLE_PROGRAMMATION]
    porteur_vide = cle(adresse_de(book, "2023-02", "Porteur"))
    verifier(book, date_reference=date_ref)
    assert porteur_vide in prog.couleurs
    n_controles = len(book.sheets[F.FEUILLE_CONTROLES].used_range.value)

    prog.ecrire(*porteur_vide, "Maison de quartier")  # l'utilisatrice corrige
    verifier(book, date_reference=date_ref)
    assert porteur_vide not in prog.couleurs
    assert len(book.sheets[F.FEUILLE_CONTROLES].used_range.value) == n_controles - 1
    # Une seule feuille de chaque sorte, la mémoire est masquée.
    noms = [s.name for s in book.sheets]
    assert noms.count(F.FEUILLE_CONTROLES) == 1 and noms.count(F.FEUILLE_MEMOIRE) == 1
    assert book.sheets[F.FEUILLE_MEMOIRE].visible is False


def test_couleurs_de_l_utilisatrice_preservees(exemple) -> None:
    """Une cellule qu'elle avait colorée retrouve sa couleur ; les autres ne sont pas touchées."""
    date_ref, dossiers = exemple
    book = classeur_de_test(dossiers)
    prog = book.sheets[F.FEUILLE_PROGRAMMATION]
    porteur_vide = cle(adresse_de(book, "2023-02", "Porteur"))
    ailleurs = cle(adresse_de(book, "2023-01", "Intitulé de l'action"))
    prog.couleurs[porteur_vide] = "#00B050"
    prog.couleurs[ailleurs] = "#7030A0"
    verifier(book, date_reference=date_ref)
    assert prog.couleurs[porteur_vide] == F.COULEURS["bloquant"]
    prog.ecrire(*porteur_vide, "Maison de quartier")
    verifier(book, date_reference=date_ref)
    assert prog.couleurs[porteur_vide] == "#00B050"
    assert prog.couleurs[ailleurs] == "#7030A0"


def test_lignes_triees_entre_deux_passages(exemple) -> None:
    """Les lignes ont bougé (tri) : on efface la couleur là où la cellule se trouve maintenant."""
    date_ref, dossiers = exemple
    book = classeur_de_test(dossiers)
    prog = book.sheets[F.FEUILLE_PROGRAMMATION]
    verifier(book, date_reference=date_ref)
    # Tri décroissant par N° dossier : valeurs et couleurs des lignes 2 à 6 inversées.
    colonnes = {lc[1] for lc in prog.valeurs}
    for col in colonnes:
        vals = [prog.valeurs.get((ligne, col)) for ligne in range(2, 7)]
        couls = [prog.couleurs.get((ligne, col)) for ligne in range(2, 7)]
        for k, ligne in enumerate(range(6, 1, -1)):
            prog.ecrire(ligne, col, vals[k])
            if couls[k]:
                prog.couleurs[(ligne, col)] = couls[k]
            else:
                prog.couleurs.pop((ligne, col), None)
    porteur_vide = cle(adresse_de(book, "2023-02", "Porteur"))
    assert porteur_vide in prog.couleurs
    prog.ecrire(*porteur_vide, "Maison de quartier")
    verifier(book, date_reference=date_ref)
    ref = attendu(book, date_ref)
    assert {adresse(lc) for lc in prog.couleurs} == {a for c in ref.constats for a in ref.cellules(c)}


def test_tableau_ailleurs_qu_en_a1_et_sans_objet_tableau(exemple) -> None:
    date_ref, dossiers = exemple
    book = classeur_de_test(dossiers, ligne=3, colonne=2, tableau=False)
    resume = verifier(book, date_reference=date_ref)
    assert "erreur" not in resume, resume
    prog = book.sheets[F.FEUILLE_PROGRAMMATION]
    # Le porteur vide du 2e dossier est en ligne 5 (en-tête en ligne 3), colonne C.
    assert prog.couleurs[(5, 3)] == F.COULEURS["bloquant"]


def test_echec_message_en_francais_classeur_intact() -> None:
    book = FauxBook()
    book.sheets.add("Feuil1")
    book.sheets["Feuil1"].ecrire(1, 1, "x")
    resume = verifier(book)
    (alerte,) = book.app.alertes
    assert alerte["mode"] == "critical"
    assert "n'a pas de feuille « Programmation »" in alerte["prompt"]
    assert "Feuil1" in alerte["prompt"] and "Traceback" not in alerte["prompt"]
    assert resume == {"erreur": alerte["prompt"]}
    assert [s.name for s in book.sheets] == ["Feuil1"]
    assert book.app.screen_updating is True


def test_feuille_vide_et_erreur_imprevue(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    book = classeur_de_test([])
    book.sheets[F.FEUILLE_PROGRAMMATION].valeurs.clear()
    verifier(book)
    assert "est vide" in book.app.alertes[-1]["prompt"]

    # Une panne imprévue du moteur : message français, trace seulement dans le journal.
    date_ref, dossiers = dossiers_exemple()
    book = classeur_de_test(dossiers)
    import cdv_regles.verification as v

    def panne(*a: Any, **k: Any) -> None:
        raise RuntimeError("disque plein")

    monkeypatch.setattr(v, "verifier_avec", panne)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    resume = verifier(book, date_reference=date_ref)
    assert "disque plein" in resume["erreur"] and "Vos saisies n'ont pas été modifiées" in resume["erreur"]
    assert "Traceback" not in resume["erreur"]
    journal = tmp_path / "cdv-regles-verifier.log"
    assert "Traceback" in journal.read_text(encoding="utf-8")
    assert book.app.screen_updating is True


def _regles_controles(book: FauxBook) -> list[str]:
    tout = book.sheets[F.FEUILLE_CONTROLES].used_range.options(ndim=2).value
    return [r[3] for r in tout[LIGNE_ENTETE_CONTROLES:]]


def test_le_bouton_suit_cdv_regles_desactiver_comme_la_cli(exemple, monkeypatch: pytest.MonkeyPatch) -> None:
    """CDV_REGLES_DESACTIVER retire un greffon du bouton comme de la ligne de commande ; un nom
    inconnu, ou le socle, est refusé par le même message, et le passage précédent reste intact."""
    from cdv_regles.verification import verifier_table

    date_ref, dossiers = exemple
    # Une demande à la CAF sur l'orientation 2 : hors de ses missions (règle CAF-MISSIONS, greffon caf-nord).
    caf = [{**dossiers[0], "montant_caf": "2 500", "fonds_propres": "4 500"}]
    monkeypatch.delenv("CDV_REGLES_DESACTIVER", raising=False)
    book = classeur_de_test(caf)
    assert "erreur" not in verifier(book, date_reference=date_ref)
    assert any(r.startswith("CAF-MISSIONS") for r in _regles_controles(book))

    monkeypatch.setenv("CDV_REGLES_DESACTIVER", "caf-nord")
    book = classeur_de_test(caf)
    resume = verifier(book, date_reference=date_ref)
    assert "erreur" not in resume, resume
    regles = _regles_controles(book)
    assert regles and not any(r.startswith("CAF-") for r in regles)
    # Les mêmes constats que la ligne de commande, où la variable passe par options.desactives.
    from cdv_regles.greffons import noms_desactives
    from cdv_regles.lecture import table_depuis_valeurs

    prog = book.sheets[F.FEUILLE_PROGRAMMATION]
    brute = table_depuis_valeurs(prog.used_range.options(ndim=2).value, chemin=book.name, feuille=prog.name,
                                 premiere_ligne=1, premiere_colonne=0)
    cli = verifier_table(brute, millesime=2023, date_reference=date_ref, desactives=noms_desactives())
    assert resume["constats"] == len(cli.constats) == len(regles)
    assert sorted(regles) == sorted(c.regle for c in cli.constats)
    avant = dict(book.sheets[F.FEUILLE_CONTROLES].valeurs)
    couleurs = dict(book.sheets[F.FEUILLE_PROGRAMMATION].couleurs)

    for valeur, attendu_texte in [
        ("caf-nrod", "variable d'environnement CDV_REGLES_DESACTIVER='caf-nrod' : greffon inconnu : caf-nrod. "
                     "Greffons installés : ars-hdf, caf-nord"),
        ("socle", "le socle (règles communes) ne peut pas être désactivé."),
    ]:
        monkeypatch.setenv("CDV_REGLES_DESACTIVER", valeur)
        resume = verifier(book, date_reference=date_ref)
        message = book.app.alertes[-1]["prompt"]
        assert resume == {"erreur": message} and book.app.alertes[-1]["mode"] == "critical"
        assert attendu_texte in message and "Vos saisies n'ont pas été modifiées." in message
        assert "Traceback" not in message
        assert book.sheets[F.FEUILLE_CONTROLES].valeurs == avant
        assert book.sheets[F.FEUILLE_PROGRAMMATION].couleurs == couleurs


def test_millesime_lu_dans_le_classeur(exemple) -> None:
    date_ref, dossiers = exemple
    book = classeur_de_test(dossiers)
    book.sheets[F.FEUILLE_REFERENTIELS].ecrire(3, 2, "vingt")
    resume = verifier(book, date_reference=date_ref)
    assert "« vingt »" in resume["erreur"] and "2023" in resume["erreur"]


# --- Entrée du bouton (RunPython) --------------------------------------------------------------

@pytest.mark.parametrize("entree", ["cdv_regles.classeur", "cdv_regles.classeur.appelant"])
def test_le_bouton_n_importe_rien_de_lourd(entree: str) -> None:
    """« import cdv_regles.classeur » est la première chose que fait chaque clic (la macro
    ``RunPython`` de classeurs/vba/Verification.bas), puis ``verifier_appelant`` charge
    ``appelant`` : ni l'un ni l'autre ne charge polars, pandera, xlwings ou hypothesis (xlwings
    n'est importé qu'à l'appel, polars et pandera qu'une fois le tableau lu)."""
    import subprocess
    import sys

    code = (f"import sys, {entree}; "
            "print(sorted(m for m in ('polars', 'pandera', 'openpyxl', 'xlwings', 'xlsxwriter', "
            "'pyopenvba', 'yaml', 'hypothesis', 'cdv_regles.moteur') if m in sys.modules))")
    sortie = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert sortie.stdout.strip() == "[]"


def test_verifier_appelant_utilise_le_classeur_appelant(monkeypatch: pytest.MonkeyPatch, exemple) -> None:
    import xlwings as xw

    import cdv_regles.classeur as c

    _, dossiers = exemple
    book = classeur_de_test(dossiers)
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
    # Les réglages du processus (ramasse-miettes) sont ceux d'un clic, pas de la session de tests.
    appels = []
    monkeypatch.setattr("cdv_regles.processus.espacer_collecte", lambda: appels.append("espacer"))
    monkeypatch.setattr("cdv_regles.processus.avant_l_arret", lambda: appels.append("arret"))
    c.verifier_appelant()
    assert appels == ["espacer", "arret"]
    assert book.app.alertes and "constat(s)" in book.app.alertes[-1]["prompt"]
    assert F.FEUILLE_CONTROLES in [s.name for s in book.sheets]


def test_verifier_appelant_sans_excel_message_francais() -> None:
    """Sans Excel joignable, le module VBA affiche la sortie d'erreur : elle est en français."""
    import subprocess
    import sys

    sortie = subprocess.run(
        [sys.executable, "-c", "import cdv_regles.classeur as c; c.verifier_appelant()",
         "--wb=programmation-2023.xlsm", "--from_xl=1", "--hwnd=1"],
        capture_output=True, text=True, check=False)
    assert sortie.returncode == 1
    assert "Vérifier n'a pas pu joindre le classeur ouvert dans Excel" in sortie.stderr
    assert "Traceback" not in sortie.stderr


# --- Sur de vrais classeurs (lus avec openpyxl dans le faux Book) ------------------------------

DEPOT = Path(__file__).resolve().parents[1]


def faux_book_depuis_fichier(chemin: Path) -> FauxBook:
    """Valeurs, tableaux Excel et noms définis d'un fichier, comme xlwings les verrait."""
    import openpyxl

    wb = openpyxl.load_workbook(chemin, data_only=True)
    book = FauxBook(chemin.name)
    for ws in wb.worksheets:  # dans l'ordre du fichier (sans « after », Excel ajoute avant l'active)
        feuille = book.sheets.add(ws.title, after=book.sheets[len(book.sheets) - 1] if len(book.sheets) else None)
        for rangee in ws.iter_rows():
            for c in rangee:
                if c.value is not None:
                    feuille.ecrire(c.row, c.column, float(c.value) if type(c.value) is int else c.value)
        for nom, ref in ws.tables.items():  # openpyxl : (nom, plage)
            feuille.tables.append(FauxTable(feuille, nom, ref))
        for zone in ws.merged_cells.ranges:  # Excel ne garde la valeur qu'en haut à gauche
            feuille.fusions.append((zone.min_row, zone.min_col, zone.max_row, zone.max_col))
    for nom, defini in wb.defined_names.items():
        for feuille, plage in defini.destinations:
            book.names.noms[nom] = FauxName(book, feuille, plage.replace("$", ""))
    return book


def test_verifier_sur_le_classeur_genere(exemple, tmp_path) -> None:
    """Le classeur livré (tableau « Dossiers », millésime nommé) : saisie de dossiers, Vérifier."""
    date_ref, dossiers = exemple
    book = faux_book_depuis_fichier(DEPOT / "classeurs" / "programmation-2023.xlsm")
    prog = book.sheets[F.FEUILLE_PROGRAMMATION]
    (table,) = prog.tables
    entetes = {v: col for (ligne, col), v in prog.valeurs.items() if ligne == 1}
    colonnes = _colonnes()
    manquants = [c.entete for c in colonnes if c.entete not in entetes]
    assert not manquants, f"classeur versionné pas à jour (colonnes {manquants}) : régénérez-le"
    for i, d in enumerate(dossiers, start=2):
        for c in colonnes:
            prog.ecrire(i, entetes[c.entete], _en_excel(d.get(c.id)))
    # Excel agrandit le tableau quand on saisit sous sa dernière ligne.
    table._adresse = re.sub(r"\d+$", str(len(dossiers) + 1), table._adresse)
    resume = verifier(book, date_reference=date_ref)
    assert "erreur" not in resume, resume
    assert resume["millesime"] == 2023 and resume["dossiers"] == len(dossiers)
    assert prog.couleurs[cle(adresse_de(book, "2023-02", "Porteur"))] == F.COULEURS["bloquant"]
    assert [s.name for s in book.sheets][:5] == [F.FEUILLE_PROGRAMMATION, F.FEUILLE_CONTROLES,
                                                 F.FEUILLE_SYNTHESE, F.FEUILLE_REFERENTIELS,
                                                 F.FEUILLE_CONFIGURATION]
    # Les feuilles livrées d'avance sont réécrites (leur phrase d'attente a disparu).
    assert book.sheets[F.FEUILLE_CONTROLES].used_range.value[0][0].startswith("Lecture : ")
    assert "Cliquez" not in str(book.sheets[F.FEUILLE_SYNTHESE].used_range.value)


EXEMPLE = DEPOT / "classeurs" / "exemple-programmation-2023.xlsx"


@pytest.mark.skipif(not EXEMPLE.is_file(), reason="classeur exemple pas encore livré")
def test_verifier_sur_le_classeur_exemple_comme_la_cli() -> None:
    """Le tableau exemple (40 dossiers) : mêmes constats que ``cdv-regles verifier``."""
    from cdv_regles.verification import verifier_fichier

    date_ref = dt.date(2023, 3, 1)
    book = faux_book_depuis_fichier(EXEMPLE)
    resume = verifier(book, date_reference=date_ref)
    assert "erreur" not in resume, resume
    cli = verifier_fichier(EXEMPLE, millesime=2023, date_reference=date_ref)
    assert resume["constats"] == len(cli.constats) and resume["dossiers"] == cli.nb_dossiers
    lignes = book.sheets[F.FEUILLE_CONTROLES].used_range.options(ndim=2).value[LIGNE_ENTETE_CONTROLES:]
    assert sorted((r[1] or "", r[3], r[7]) for r in lignes) == sorted(
        (c.dossier, c.regle, c.message) for c in cli.constats)
    prog = book.sheets[F.FEUILLE_PROGRAMMATION]
    assert {adresse(lc) for lc in prog.couleurs} == {a for c in cli.constats for a in cli.cellules(c)}


def test_controles_sans_caractere_de_controle_brut(exemple) -> None:
    """Une cellule à caractères de contrôle : la feuille Contrôles les montre (« ␛ ») (14.6)."""
    date_ref, dossiers = exemple
    hostiles = [dict(dossiers[0], numero_dossier="H\x1b[2J1", siret="1\x1b\x072")]
    book = classeur_de_test(hostiles)
    resume = verifier(book, date_reference=date_ref)
    assert "erreur" not in resume, resume
    lignes = book.sheets[F.FEUILLE_CONTROLES].used_range.options(ndim=2).value
    textes = [str(v) for r in lignes for v in r if v is not None]
    assert not any(re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", t) for t in textes)
    assert "H␛[2J1" in textes
    assert any("« 1␛␇2 »" in t for t in textes)
