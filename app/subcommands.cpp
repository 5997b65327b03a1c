#include "subcommand.h"

namespace Opsdeck {

QList<Subcommand> subcommands()
{
    // Each command adds itself here: {name, summary, &runXCommand, needsGui}.
    return {};
}

const Subcommand *findSubcommand(const QString &name)
{
    static const QList<Subcommand> all = subcommands();
    for (const Subcommand &command : all) {
        if (command.name == name)
            return &command;
    }
    return nullptr;
}

} // namespace Opsdeck
