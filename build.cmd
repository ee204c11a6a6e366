@echo off
rem Inversion.ML build script. Verbs: build, test, pack, sample, bench, quality (default: build then test).
setlocal
cd /d "%~dp0"
set DOTNET_CLI_TELEMETRY_OPTOUT=1
set DOTNET_NOLOGO=1
if "%CONFIGURATION%"=="" set CONFIGURATION=Release
set VERB=%1
if "%VERB%"=="" set VERB=default
if not "%1"=="" shift
set ARGS=
:collect
if "%~1"=="" goto dispatch
set ARGS=%ARGS% %1
shift
goto collect
:dispatch
if /i "%VERB%"=="default" (
  dotnet build Inversion.ML.sln -c %CONFIGURATION% || exit /b 1
  if exist TestResults rmdir /s /q TestResults
  dotnet test Inversion.ML.sln -c %CONFIGURATION% --no-build --logger "trx;LogFilePrefix=tests" --logger "console;verbosity=detailed" --results-directory TestResults
  exit /b %ERRORLEVEL%
)
if /i "%VERB%"=="build" ( dotnet build Inversion.ML.sln -c %CONFIGURATION% %ARGS% & exit /b %ERRORLEVEL% )
if /i "%VERB%"=="test" (
  if exist TestResults rmdir /s /q TestResults
  dotnet test Inversion.ML.sln -c %CONFIGURATION% --logger "trx;LogFilePrefix=tests" --logger "console;verbosity=detailed" --results-directory TestResults %ARGS%
  exit /b %ERRORLEVEL%
)
if /i "%VERB%"=="sample" ( dotnet run --project samples\Inversion.Quickstart -c %CONFIGURATION% -- %ARGS% & exit /b %ERRORLEVEL% )
if /i "%VERB%"=="bench" ( dotnet run --project tests\Microsoft.ML.Inversion.Benchmarks -c %CONFIGURATION% -- %ARGS% & exit /b %ERRORLEVEL% )
if /i "%VERB%"=="quality" ( dotnet run --project tests\Microsoft.ML.Inversion.Quality -c %CONFIGURATION% -- %ARGS% & exit /b %ERRORLEVEL% )
if /i "%VERB%"=="pack" ( dotnet pack src\Microsoft.ML.Inversion\Microsoft.ML.Inversion.csproj -c %CONFIGURATION% -o nuget\out %ARGS% && dotnet pack src\Microsoft.ML.Inversion.Tool\Microsoft.ML.Inversion.Tool.csproj -c %CONFIGURATION% -o nuget\out %ARGS% & exit /b %ERRORLEVEL% )
echo unknown verb '%VERB%'; expected build, test, pack, sample, bench or quality 1>&2
exit /b 2
