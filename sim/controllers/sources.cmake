# The simulated estate's sources, relative to sim/ (included by sim/CMakeLists.txt).
set(OPSDECK_SIM_CONTROLLER_SOURCES
    simulation.cpp
    scenario.cpp scenario.h
    controllers/controller.h
    controllers/simcontext.h
    controllers/kubeutil.cpp controllers/kubeutil.h
    controllers/rng.cpp controllers/rng.h
    controllers/eventrecorder.cpp controllers/eventrecorder.h
    controllers/podfactory.cpp controllers/podfactory.h
    controllers/podindex.cpp controllers/podindex.h
    controllers/estatebuilder.cpp controllers/estatebuilder.h
    controllers/deploymentcontroller.cpp controllers/deploymentcontroller.h
    controllers/replicasetcontroller.cpp controllers/replicasetcontroller.h
    controllers/podlifecyclecontroller.cpp controllers/podlifecyclecontroller.h
    controllers/trafficmodel.cpp controllers/trafficmodel.h
    controllers/metricscontroller.cpp controllers/metricscontroller.h
    controllers/hpacontroller.cpp controllers/hpacontroller.h
    controllers/circuitbreaker.cpp controllers/circuitbreaker.h
    controllers/telemetrylog.cpp controllers/telemetrylog.h
    controllers/resiliencecontroller.cpp controllers/resiliencecontroller.h
    controllers/apptelemetry.cpp controllers/apptelemetry.h
    controllers/apptelemetrycontroller.cpp controllers/apptelemetrycontroller.h
    controllers/costaccrualcontroller.cpp controllers/costaccrualcontroller.h
)
