@echo off
rem Installe cdv-regles @VERSION@ (Contrat de Ville de Valenciennes Metropole) sur ce poste.
rem Double-cliquez ce fichier depuis le dossier de la publication : il ne demande aucun droit
rem d'administrateur et ne se modifie pas. Etapes expliquees dans classeurs/README.md du depot.
setlocal
chcp 65001 >nul
set "VERSION=@VERSION@"
set "PAQUET=@PAQUET@"
rem Le dossier de ce fichier, sans barre finale (une barre avant un guillemet le casserait).
set "ICI=%~dp0."
rem L'environnement que le classeur attend (feuille xlwings.conf, Interpreter_Win).
set "ENV=%USERPROFILE%\cdv-regles"
set "PYTHON=%ENV%\Scripts\python.exe"

echo Installation de cdv-regles %VERSION% dans %ENV%
echo.
where py >nul 2>nul
if errorlevel 1 goto sans_python
py -3 -c "import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)"
if errorlevel 1 goto python_ancien

rem 1. L'environnement (une seule fois par poste ; refaire l'installation le garde).
if not exist "%PYTHON%" py -3 -m venv "%ENV%"
if not exist "%PYTHON%" goto echec

rem 2. Les paquets publics (polars, xlwings...), aux versions et empreintes de la publication.
"%PYTHON%" -m pip install --disable-pip-version-check --require-hashes -r "%ICI%\dependances.txt"
if errorlevel 1 goto echec

rem 3. cdv-regles et les greffons des financeurs : seulement depuis ce dossier, jamais d'un index.
"%PYTHON%" -m pip install --disable-pip-version-check --no-index --find-links "%ICI%" "%PAQUET%==%VERSION%"
if errorlevel 1 goto echec

rem 4. Verification : la commande repond et les greffons sont tous chargés.
rem    (le millesime du classeur publie : sans lui, la date du jour choisirait le millesime)
"%PYTHON%" -m cdv_regles greffons --millesime 2023
if errorlevel 1 goto echec

echo.
echo Installation terminée.
echo Le classeur programmation-2023.xlsm trouve Python ici :
echo   %PYTHON%
echo (feuille xlwings.conf, cellule B1 : %%USERPROFILE%%\cdv-regles\Scripts\python.exe, rien à changer).
echo Rangez le classeur dans un emplacement approuvé d'Excel, puis cliquez sur Vérifier.
goto fin

:sans_python
echo Python est introuvable (commande py). Installez Python 3.12 depuis python.org
echo (« Windows installer (64-bit) », case « Add python.exe to PATH » cochée), puis relancez ce fichier.
goto erreur

:python_ancien
echo Ce poste a un Python trop ancien : cdv-regles demande Python 3.11 ou plus récent.
echo Installez Python 3.12 depuis python.org, puis relancez ce fichier.
goto erreur

:echec
echo.
echo L'installation a échoué (voir le message ci-dessus). Vérifiez la connexion à Internet
echo (les paquets publics viennent de pypi.org), puis relancez ce fichier. Si cela recommence,
echo envoyez une copie de cette fenêtre à la personne qui maintient l'outil.
goto erreur

:erreur
echo.
pause
exit /b 1

:fin
echo.
pause
exit /b 0
