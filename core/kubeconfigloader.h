#pragma once

// Finds and reads kubeconfig files the way kubectl does (client-go clientcmd loading rules):
// --kubeconfig, else every file of KUBECONFIG merged (first wins), else ~/.kube/config.

#include "error.h"
#include "kubeconfig.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace Opsdeck {

class KubeconfigLoader
{
public:
    // The files to read, in precedence order. kubeconfigEnv is ':'-separated; empty entries and
    // repeats are dropped.
    static QStringList files(const QString &explicitPath, const QString &kubeconfigEnv, const QString &homeDir);

    // Reads $KUBECONFIG and $HOME.
    static Result<Kubeconfig> load(const QString &explicitPath = {});
    static Result<Kubeconfig> load(const QString &explicitPath, const QString &kubeconfigEnv,
                                   const QString &homeDir);

    // One file's content. Relative paths are resolved against fileName's directory. Malformed YAML and
    // wrong shapes become Error{Config} naming the file, line, column and entry.
    static Result<Kubeconfig> parse(const QByteArray &yaml, const QString &fileName);
};

} // namespace Opsdeck
