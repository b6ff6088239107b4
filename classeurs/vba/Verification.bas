Attribute VB_Name = "Verification"
' Bouton « Vérifier » de la feuille Programmation.
' Source gardée en texte dans le dépôt (classeurs/vba/Verification.bas) ; la commande
' « cdv-regles classeur nouveau » l'incorpore au classeur avec le module xlwings.
Option Explicit

Public Sub Verifier()
    ' Tout le travail est fait en Python (cdv_regles.classeur) : lecture du tableau,
    ' contrôles, feuilles Contrôles et Synthèse, couleurs, message. Appel court : un
    ' Python neuf démarre à chaque clic.
    RunPython "import cdv_regles.classeur as c; c.verifier_appelant()"
End Sub
