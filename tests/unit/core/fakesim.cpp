// A stand-in for opsdeck-sim in DemoEnvironment's test. FAKESIM_MODE picks the behaviour:
//   ready (default)  write the kubeconfig, print the ready line, run until terminated
//   exit             complain on stderr and exit 3 before ready
//   silent           never print the ready line
//   die              print the ready line, then exit 4 after 200 ms
// It also writes its pid to $FAKESIM_PIDFILE when set.
#include <QCoreApplication>
#include <QFile>
#include <QTimer>

#include <cstdio>
#include <unistd.h>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const qsizetype listen = args.indexOf(QStringLiteral("--listen"));
    const qsizetype write = args.indexOf(QStringLiteral("--write-kubeconfig"));
    if (listen < 0 || write < 0 || write + 1 >= args.size() || args.value(listen + 1) != QLatin1String("127.0.0.1:0")) {
        std::fprintf(stderr, "fakesim: expected --listen 127.0.0.1:0 --write-kubeconfig FILE\n");
        return 2;
    }
    const QString pidFile = qEnvironmentVariable("FAKESIM_PIDFILE");
    if (!pidFile.isEmpty()) {
        QFile f(pidFile);
        if (f.open(QIODevice::WriteOnly))
            f.write(QByteArray::number(::getpid()));
    }
    const QString mode = qEnvironmentVariable("FAKESIM_MODE", QStringLiteral("ready"));
    if (mode == QLatin1String("exit")) {
        std::fprintf(stderr, "fakesim: port already in use\n");
        return 3;
    }
    if (mode == QLatin1String("silent"))
        return app.exec();

    const QString kubeconfig = args.at(write + 1);
    QFile file(kubeconfig);
    if (!file.open(QIODevice::WriteOnly))
        return 5;
    file.write("apiVersion: v1\nkind: Config\n");
    file.close();
    std::printf("starting\nopsdeck-sim ready url=https://127.0.0.1:43210 kubeconfig=%s\n", qPrintable(kubeconfig));
    std::fflush(stdout);
    if (mode == QLatin1String("die"))
        QTimer::singleShot(200, &app, [] { QCoreApplication::exit(4); });
    return app.exec();
}
