"""La feuille « Synthèse » du classeur : tableaux de chiffres et graphiques Excel natifs.

Écrite uniquement contre l'API Book d'xlwings (Excel sous Windows et macOS, xlwings Server et
Lite, faux Book des tests). La feuille appartient à l'outil : elle est vidée (contenu, formats et
graphiques) puis réécrite à chaque « Vérifier ». Mêmes tableaux et mêmes titres que le rapport
HTML (``cdv_regles.synthese.vues``).

Appel depuis ``verifier(book)`` :

    synthese = calculer_synthese(resultat, greffons)
    ecrire_synthese(book, synthese, maintenant=maintenant)
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from cdv_regles.adresses import lettres_colonne as lettre
from cdv_regles.classeur.livre import zone_impression
from cdv_regles.synthese.format import date_fr
from cdv_regles.synthese.vues import LIBELLES_GRAVITE, Section, Vue, sections

FEUILLE = "Synthèse"  # même nom que cdv_regles.classeur.feuilles.FEUILLE_SYNTHESE
LARGEUR_LIBELLES = 52  # colonne A (caractères)
LARGEUR_CHIFFRES = 16  # colonnes suivantes
FORMATS = {"montant": '#,##0 "€"', "nombre": "#,##0", "ratio": "0.0 %", "part": "0.0 %", "texte": "@"}
COULEUR_ENTETE = "#D9E1F2"
COULEUR_NOTE = "#5F6368"
HAUTEUR_LIGNE = 15.0  # points : hauteur par défaut d'une ligne Excel (Calibri 11)
LARGEUR_GRAPHIQUE = 460.0
HAUTEUR_BARRE = 20.0


def ecrire_synthese(book: Any, synthese: dict[str, Any], *, maintenant: dt.datetime | None = None) -> Any:
    """(Re)crée la feuille Synthèse ; renvoie la feuille. ``synthese`` : ``calculer_synthese(...)``."""
    ws = _feuille_videe(book)
    secs = sections(synthese)
    plan = Plan(max([len(v.entetes) for s in secs for v in s.vues] + [2]))
    _entete(plan, synthese, maintenant)
    placements: list[tuple[Vue, int, int, int]] = []  # vue, ligne d'en-tête, dernière ligne, ligne du titre
    for section in secs:
        _section(plan, section, placements)
    # Formats d'abord : un texte comme « 2023-02 » ou « 01/03/2023 » écrit dans une cellule au
    # format standard deviendrait une date.
    ws[f"A1:A{len(plan.valeurs())}"].number_format = FORMATS["texte"]
    for adresse, format_ in plan.formats:
        ws[adresse].number_format = format_
    ws["A1"].value = plan.valeurs()
    for i, largeur in enumerate(plan.largeurs()):
        ws[f"{lettre(i)}:{lettre(i)}"].column_width = largeur
    _mettre_en_forme(ws, plan)
    graphiques = True
    for vue, entete, derniere, ligne_titre in placements:
        try:
            _graphique(ws, plan, vue, entete, derniere, ligne_titre)
        except Exception:  # hôte sans graphiques (client Office.js ancien) : les tableaux suffisent
            ws[f"{plan.colonne_graphique}1"].value = (
                "Graphiques indisponibles dans cette version d'Excel : les tableaux ci-contre donnent les chiffres.")
            graphiques = False
            break
    zone_impression(ws, _zone(plan, placements if graphiques else []))
    return ws


def _zone(plan: Plan, placements: list[tuple[Vue, int, int, int]]) -> str:
    """Zone d'impression : les tableaux et, à leur droite, les graphiques (largeur et hauteur estimées)."""
    fin_ligne = len(plan.valeurs())
    fin_colonne = plan.colonnes - 1
    for vue, _, _, ligne_titre in placements:
        if vue.graphique is None:
            continue
        fin_ligne = max(fin_ligne, ligne_titre + int(_hauteur_graphique(vue) // HAUTEUR_LIGNE) + 1)
        # colonnes par défaut de 8,43 caractères, soit 48 points
        fin_colonne = max(fin_colonne, plan.colonnes + 1 + int(LARGEUR_GRAPHIQUE // 48) + 1)
    return f"$A$1:${lettre(fin_colonne)}${fin_ligne}"




class Plan:
    """Les lignes de la feuille, construites avant d'être écrites d'un seul coup."""

    def __init__(self, colonnes: int) -> None:
        self.colonnes = colonnes
        self.lignes: list[list[Any]] = []
        self.formats: list[tuple[str, str]] = []
        self.gras: list[int] = []
        self.titres: list[tuple[int, int]] = []  # (ligne, taille)
        self.entetes: list[int] = []
        self.notes: list[int] = []

    @property
    def suivante(self) -> int:
        return len(self.lignes) + 1

    def ajouter(self, *valeurs: Any) -> int:
        ligne = [_sur(v) for v in valeurs][: self.colonnes]
        self.lignes.append(ligne + [None] * (self.colonnes - len(ligne)))
        numero = len(self.lignes)
        for k, v in enumerate(ligne[1:], start=1):
            if isinstance(v, str):
                self.formats.append((f"{lettre(k)}{numero}", FORMATS["texte"]))
        return numero

    def largeurs(self) -> list[int]:
        return [LARGEUR_LIBELLES] + [LARGEUR_CHIFFRES] * (self.colonnes - 1)

    @property
    def colonne_graphique(self) -> str:
        """Les graphiques sont posés à droite des tableaux, une colonne vide entre les deux."""
        return lettre(self.colonnes + 1)

    def sauter(self, n: int = 1) -> None:
        for _ in range(n):
            self.ajouter()

    def valeurs(self) -> list[list[Any]]:
        return self.lignes or [[None] * self.colonnes]


def _sur(v: Any) -> Any:
    """Un texte qui commence par « = » serait pris pour une formule."""
    return "'" + v if isinstance(v, str) and v.startswith("=") else v


def _feuille_videe(book: Any) -> Any:
    feuille = next((s for s in book.sheets if s.name.casefold() == FEUILLE.casefold()), None)
    if feuille is None:
        derniere = book.sheets[len(book.sheets) - 1]
        feuille = book.sheets.add(name=FEUILLE, after=derniere)
    else:
        feuille.clear()
        # clear() laisse les graphiques : on retire ceux du passage précédent (du dernier au premier).
        # Un hôte qui ne transmet pas les graphiques n'en a pas à retirer.
        with contextlib.suppress(Exception):
            for graphique in reversed(list(feuille.charts)):
                graphique.delete()
    return feuille


def _entete(plan: Plan, synthese: dict[str, Any], maintenant: dt.datetime | None) -> None:
    socle = synthese.get("rubriques", {}).get("socle") or {}
    perimetre = socle.get("perimetre", {})
    par_gravite = socle.get("constats", {}).get("par_gravite", {})
    plan.titres.append((plan.ajouter(f"Synthèse pour le comité — programmation {synthese.get('millesime', '')}"), 14))
    plan.sauter()
    if maintenant is not None:
        plan.ajouter("Contrôle lancé le", maintenant.strftime("%d/%m/%Y à %H:%M"))
    plan.ajouter("Classeur", str(synthese.get("fichier", "")))
    plan.ajouter("Millésime", synthese.get("millesime"))
    plan.ajouter("Date de référence des échéances", date_fr(synthese.get("date_reference")))
    plan.ajouter("Version des règles", str(synthese.get("version_regles", "")))
    plan.ajouter("Dossiers lus", synthese.get("dossiers", 0))
    plan.ajouter("Dossiers comptés dans les montants", perimetre.get("dossiers_retenus", 0))
    ligne = plan.ajouter("Total demandé aux financeurs du Contrat de Ville", perimetre.get("total_demande", 0.0))
    plan.formats.append((f"B{ligne}", FORMATS["montant"]))
    plan.ajouter("Constats", socle.get("constats", {}).get("total", 0))
    for g, n in par_gravite.items():
        plan.ajouter(f"Constats : {LIBELLES_GRAVITE.get(g, g).lower()}", n)
    defauts = synthese.get("defauts_greffons") or []
    if defauts:
        plan.sauter()
        plan.gras.append(plan.ajouter("Greffons en défaut (leurs règles ou chiffres manquent)"))
        for d in defauts:
            plan.ajouter(str(d))
    plan.sauter()


def _section(plan: Plan, section: Section, placements: list[tuple[Vue, int, int, int]]) -> None:
    plan.titres.append((plan.ajouter(section.titre), 13))
    if section.intro:
        plan.notes.append(plan.ajouter(section.intro))
    for vue in section.vues:
        ligne_titre = plan.ajouter(vue.titre)
        plan.gras.append(ligne_titre)
        ordre = _ordre_colonnes(vue)
        entete = plan.ajouter(*[vue.entetes[j] for j in ordre])
        plan.entetes.append(entete)
        if not vue.lignes:
            plan.notes.append(plan.ajouter(vue.vide))
        premiere = plan.suivante
        for i, ligne in enumerate(vue.lignes):
            plan.ajouter(*[_valeur_excel(ligne[j], vue.sorte(i, j)) for j in ordre])
        derniere = plan.suivante - 1
        _formats_vue(plan, vue, ordre, premiere)
        if vue.note:
            plan.notes.append(plan.ajouter(vue.note))
        if vue.graphique is not None and vue.lignes:
            placements.append((vue, entete, derniere, ligne_titre))
            # Laisser la place du graphique avant le tableau suivant.
            occupe = plan.suivante - ligne_titre
            plan.sauter(max(_lignes_graphique(vue) - occupe, 0))
        plan.sauter()


def _formats_vue(plan: Plan, vue: Vue, ordre: list[int], premiere: int) -> None:
    """Un format par colonne du tableau (par cellule seulement si la colonne mêle les sortes)."""
    if not vue.lignes:
        return
    derniere = premiere + len(vue.lignes) - 1
    for k, j in enumerate(ordre):
        if k == 0:
            continue  # colonne A : texte, déjà formatée en bloc
        sortes = {vue.sorte(i, j) for i in range(len(vue.lignes))}
        if len(sortes) == 1:
            plan.formats.append((f"{lettre(k)}{premiere}:{lettre(k)}{derniere}", FORMATS.get(sortes.pop(), "@")))
        else:
            plan.formats += [(f"{lettre(k)}{premiere + i}", FORMATS.get(vue.sorte(i, j), "@"))
                             for i in range(len(vue.lignes))]


def _ordre_colonnes(vue: Vue) -> list[int]:
    """Colonnes dans l'ordre écrit : libellé, valeur du graphique, repère, puis le reste.

    Excel trace les colonnes contiguës de la source : la valeur (et l'enveloppe) suivent le libellé.
    """
    g = vue.graphique
    if g is None:
        return list(range(len(vue.entetes)))
    tete = [0, g.valeur] + ([g.repere] if g.repere is not None else [])
    return tete + [j for j in range(len(vue.entetes)) if j not in tete]


def _valeur_excel(valeur: Any, sorte: str) -> Any:
    if sorte == "part" and isinstance(valeur, int | float) and abs(valeur) > 1:
        return valeur / 100  # un greffon qui écrit 41,3 pour 41,3 % : Excel veut 0,413
    if isinstance(valeur, bool):
        return "Oui" if valeur else "Non"
    return valeur


def _lignes_graphique(vue: Vue) -> int:
    return int(_hauteur_graphique(vue) // HAUTEUR_LIGNE) + 2


def _hauteur_graphique(vue: Vue) -> float:
    return max(len(vue.lignes) * HAUTEUR_BARRE + 70.0, 150.0)


def _mettre_en_forme(ws: Any, plan: Plan) -> None:
    for ligne, taille in plan.titres:
        ws[f"A{ligne}"].font.bold = True
        ws[f"A{ligne}"].font.size = taille
    for ligne in plan.gras:
        ws[f"A{ligne}"].font.bold = True
    derniere = lettre(plan.colonnes - 1)
    for ligne in plan.entetes:
        rangee = ws[f"A{ligne}:{derniere}{ligne}"]
        rangee.font.bold = True
        rangee.color = COULEUR_ENTETE
    for ligne in plan.notes:
        ws[f"A{ligne}"].font.italic = True
        ws[f"A{ligne}"].font.color = COULEUR_NOTE


def _position(ws: Any, plan: Plan, ligne: int) -> tuple[float, float]:
    """Gauche et haut de la place du graphique, en points (estimés si l'hôte ne sait pas les lire)."""
    with contextlib.suppress(Exception):  # xlwings Server / Lite : lecture asynchrone seulement
        rangee = ws[f"{plan.colonne_graphique}{ligne}"]
        return float(rangee.left), float(rangee.top)
    # Largeur d'une colonne Excel : (caractères × 7 + 5) pixels, soit × 0,75 en points.
    gauche = sum((largeur * 7 + 5) * 0.75 for largeur in [*plan.largeurs(), 8.43])
    return gauche, (ligne - 1) * HAUTEUR_LIGNE


def _graphique(ws: Any, plan: Plan, vue: Vue, entete: int, derniere: int, ligne_titre: int) -> Any:
    """Barres horizontales groupées : libellés en colonne A, séries en B (et C : l'enveloppe)."""
    g = vue.graphique
    if g is None:
        return None
    series = 2 if g.repere is not None else 1
    fin = lettre(series)
    gauche, haut = _position(ws, plan, ligne_titre)
    graphique = ws.charts.add(left=gauche, top=haut, width=LARGEUR_GRAPHIQUE, height=_hauteur_graphique(vue))
    graphique.set_source_data(ws[f"A{entete}:{fin}{derniere}"])
    graphique.chart_type = "bar_clustered"
    with contextlib.suppress(Exception):  # nom déjà pris : Excel garde son nom par défaut
        graphique.name = f"Synthèse {vue.cle}"
    _finitions(graphique, g.titre, series, FORMATS.get(vue.sortes[g.valeur], "General"))
    return graphique


def _finitions(graphique: Any, titre: str, series: int, format_: str) -> None:
    """Titre, légende, ordre des barres et format des montants (xlwings ≥ 0.37.3).

    Sans effet sur un xlwings plus ancien : le graphique reste juste, seulement moins fini.
    """
    reglages = (
        lambda: setattr(graphique, "title", titre),
        lambda: setattr(graphique.legend, "visible", series > 1),
        # Excel dessine la première catégorie en bas : on la remet en haut, comme le tableau.
        lambda: setattr(graphique.category_axis, "reverse_order", True),
        lambda: setattr(graphique.value_axis, "number_format", format_),
    )
    for regler in reglages:
        # Une finition refusée par l'hôte (COM, Office.js) ne doit pas faire échouer « Vérifier ».
        with contextlib.suppress(Exception):
            regler()
