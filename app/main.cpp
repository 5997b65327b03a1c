// opsdeck: parses the command line first, so a headless run (--snapshot) never needs a display.

#include "application.h"
#include "commandline.h"
#include "printqueries.h"
#include "subcommand.h"

#include <QApplication>
#include <QCoreApplication>
#include <QGuiApplication>
#include <QIcon>
#include <QLoggingCategory>

#include <cstdio>
#include <memory>

using namespace Opsdeck;

int main(int argc, char *argv[])
{
    QCoreApplication::setApplicationName(QStringLiteral("opsdeck"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("opsdeck.dev"));
    QCoreApplication::setApplicationVersion(QStringLiteral(OPSDECK_VERSION));

    // Quiet by default on the terminal; QT_LOGGING_RULES still overrides this.
    QLoggingCategory::setFilterRules(QStringLiteral("opsdeck.*.debug=false\nopsdeck.*.info=false"));

    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);

    // `opsdeck NAME …`: a headless command (act, journal, costs, …), never a window.
    if (const Subcommand *command = findSubcommand(arguments.value(1))) {
        QStringList commandArguments = arguments.mid(2);
        commandArguments.prepend(QStringLiteral("opsdeck ") + command->name);
        std::unique_ptr<QCoreApplication> app;
        if (command->needsGui) {
            if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
                qputenv("QT_QPA_PLATFORM", "offscreen"); // renders documents, needs no display
            app = std::make_unique<QGuiApplication>(argc, argv);
        } else {
            app = std::make_unique<QCoreApplication>(argc, argv);
        }
        return command->run(commandArguments);
    }

    const CommandLine commandLine = CommandLine::parse(arguments);
    if (commandLine.exitNow) {
        std::fputs(qPrintable(commandLine.output + (commandLine.output.endsWith(QLatin1Char('\n')) ? QString() : QStringLiteral("\n"))),
                   commandLine.exitCode == 0 ? stdout : stderr);
        return commandLine.exitCode;
    }
    if (commandLine.options.printQueries) // headless, no network: just the rendered templates
        return printQueries(commandLine.options);

    std::unique_ptr<QCoreApplication> app;
    if (commandLine.options.headless()) {
        app = std::make_unique<QCoreApplication>(argc, argv);
    } else {
        auto gui = std::make_unique<QApplication>(argc, argv);
        QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("dev.opsdeck.Opsdeck"), QIcon(QStringLiteral(":/icons/opsdeck.svg"))));
        QApplication::setDesktopFileName(QStringLiteral("dev.opsdeck.Opsdeck"));
        app = std::move(gui);
    }

    Application opsdeck(commandLine.options);
    QObject::connect(&opsdeck, &Application::finished, app.get(), [](int code) { QCoreApplication::exit(code); }, Qt::QueuedConnection); // finished may come before exec()
    opsdeck.start();
    return app->exec();
}
