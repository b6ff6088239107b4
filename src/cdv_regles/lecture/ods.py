"""Classeurs OpenDocument (.ods) : inspection en flux de content.xml, avant calamine.

calamine charge tout content.xml (toutes les feuilles) à l'ouverture : les valeurs placées très
loin du tableau et le nombre de cellules remplies (répétitions dépliées) sont relevés avant,
ainsi que les cellules fusionnées (``table:number-rows-spanned`` / ``-columns-spanned``), que
calamine ne donne pas pour un .ods : une valeur fusionnée sur deux lignes vaut pour les deux.
Les erreurs de formule (``calcext:value-type="error"``, « #DIV/0! », « Err:502 »…), que calamine
rend vides, sont relevées avec le texte que LibreOffice affiche : lue vide, la cellule serait dite
« à compléter » alors qu'il faut corriger sa formule.
"""

from __future__ import annotations

import re

from cdv_regles.lecture.table import Feuille


class InspecteurOds:
    """Rejoue les répétitions de lignes et de colonnes de content.xml (ODS), en flux."""

    _JETON = re.compile(
        rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>")
    _REP_LIGNES = re.compile(rb'table:number-rows-repeated="([0-9]+)"')
    _REP_COLONNES = re.compile(rb'table:number-columns-repeated="([0-9]+)"')
    _NOM = re.compile(rb'table:name="([^"]*)"')
    _FUSION_LIGNES = re.compile(rb'table:number-rows-spanned="([0-9]+)"')
    _FUSION_COLONNES = re.compile(rb'table:number-columns-spanned="([0-9]+)"')
    _TEXTE_BALISE = re.compile(rb"<[^>]*>")
    _ANNOTATION = re.compile(rb"<office:annotation\b.*?</office:annotation>", re.S)  # un commentaire
    FUSIONS_MAX = 100_000  # au-delà, les suivantes sont ignorées (mémoire bornée)
    ERREURS_MAX = 100_000  # cellules en erreur relevées, au plus (mémoire bornée)
    _TEXTE_MAX = 1_000  # octets gardés du texte d'une cellule en erreur (un code est court)

    def __init__(self, seuil_lignes: int, seuil_colonnes: int) -> None:
        self.seuil_lignes, self.seuil_colonnes = seuil_lignes, seuil_colonnes
        self.feuilles: dict[str, Feuille] = {}
        self._feuille = Feuille()
        self._ligne = self._colonne = 0
        self._repetition = 1
        self._valeur_dans_ligne = False
        self._cellules_ligne = 0
        self._reste = b""
        # Cellule en erreur ouverte : (ligne, colonne, répétitions), début de son texte dans le
        # tampon en cours, texte déjà vu dans les tampons précédents.
        self._erreur: tuple[int, int, int] | None = None
        self._debut_texte = 0
        self._texte = b""

    def nourrir(self, morceau: bytes) -> None:
        tampon = self._reste + morceau
        coupe = tampon.rfind(b">") + 1
        self._examiner(tampon, coupe)
        self._reste = tampon[coupe:]

    def terminer(self) -> None:
        self._examiner(self._reste, len(self._reste))

    def _fin_de_ligne(self) -> None:
        if self._valeur_dans_ligne and self._feuille.loin is None:
            derniere = self._ligne + self._repetition - 1
            if derniere >= self.seuil_lignes:
                self._feuille.loin = (derniere, 0)
        # calamine déplie les répétitions : chaque cellule répétée compte.
        self._feuille.cellules += self._cellules_ligne * self._repetition
        self._ligne += self._repetition
        self._colonne, self._repetition, self._valeur_dans_ligne = 0, 1, False
        self._cellules_ligne = 0

    def _fusion(self, attributs: bytes) -> None:
        fl, fc = self._FUSION_LIGNES.search(attributs), self._FUSION_COLONNES.search(attributs)
        lignes, colonnes = int(fl.group(1)) if fl else 1, int(fc.group(1)) if fc else 1
        if (lignes > 1 or colonnes > 1) and len(self._feuille.fusions) < self.FUSIONS_MAX:
            self._feuille.fusions.append(((self._ligne, self._colonne),
                                          (self._ligne + lignes - 1, self._colonne + colonnes - 1)))

    def _noter_erreur(self, texte: bytes) -> None:
        from html import unescape

        ligne, colonne, n = self._erreur  # type: ignore[misc]
        self._erreur = None
        texte = self._TEXTE_BALISE.sub(b"", self._ANNOTATION.sub(b"", texte))
        code = unescape(texte.decode("utf-8", "replace")).strip()
        erreurs = self._feuille.erreurs
        if not code:
            return
        for i in range(min(self._repetition, self.ERREURS_MAX)):
            for k in range(min(n, self.ERREURS_MAX)):
                if len(erreurs) >= self.ERREURS_MAX:
                    return
                erreurs[(ligne + i, colonne + k)] = code

    def _examiner(self, t: bytes, fin: int) -> None:
        from html import unescape

        self._debut_texte = 0
        for m in self._JETON.finditer(t, 0, fin):
            fermante, balise, attributs, vide = m.groups()
            if self._erreur is not None:
                # Fin de la cellule en erreur (ou XML inattendu) : son texte est complet.
                self._noter_erreur(self._texte + t[self._debut_texte:m.start()])
                self._texte = b""
            if balise == b"table":
                if not fermante:
                    n = self._NOM.search(attributs)
                    nom = unescape(n.group(1).decode("utf-8", "replace")) if n else ""
                    self._feuille = self.feuilles.setdefault(nom, Feuille())
                    self._ligne = self._colonne = 0
            elif balise == b"table-row":
                if fermante:
                    self._fin_de_ligne()
                else:
                    r = self._REP_LIGNES.search(attributs)
                    self._colonne, self._valeur_dans_ligne, self._cellules_ligne = 0, False, 0
                    self._repetition = int(r.group(1)) if r else 1
                    if vide:
                        self._fin_de_ligne()
            elif not fermante:
                r = self._REP_COLONNES.search(attributs)
                n = int(r.group(1)) if r else 1
                if b"-spanned" in attributs and balise == b"table-cell":
                    self._fusion(attributs)
                if b"office:value-type" in attributs or not vide:
                    self._valeur_dans_ligne = True
                    self._cellules_ligne += n
                    derniere = self._colonne + n - 1
                    if derniere >= self.seuil_colonnes and self._feuille.loin is None:
                        self._feuille.loin = (self._ligne, derniere)
                    if (not vide and balise == b"table-cell"
                            and b'calcext:value-type="error"' in attributs):
                        self._erreur = (self._ligne, self._colonne, n)
                        self._debut_texte, self._texte = m.end(), b""
                self._colonne += n
        if self._erreur is not None:  # cellule coupée entre deux tampons : la suite viendra
            self._texte = (self._texte + t[self._debut_texte:fin])[:self._TEXTE_MAX]
