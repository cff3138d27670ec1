package io.ams.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.ams.app.Ams;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * deploy/helm/ams through a real Helm (helm-java: Helm's own Go code as a native library, from Maven Central):
 * {@code helm lint --strict} and {@code helm template} with the chart's value sets, every rendered document read
 * strictly as its fabric8 Kubernetes model (an unknown or misplaced field fails), then what an operator relies on:
 * the GPU request, the NVIDIA variables, the sidecar's host network, probes on the ports the processes serve them,
 * termination grace against --drain-grace, and selectors (PDB, Service, HPA target) that match the pods.
 */
class HelmChartTest {

    private static final Path CHART = chartDir();
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "v1/Secret", Secret.class,
            "v1/Service", Service.class,
            "apps/v1/Deployment", Deployment.class,
            "apps/v1/DaemonSet", DaemonSet.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class);
    private static final String RELEASE = "media";

    // ---- lint -------------------------------------------------------------------------------------------------

    @Test
    void clustersOlderThanTheChartsApisAreRefused() {
        // autoscaling/v2 HorizontalPodAutoscaler needs 1.23
        assertThatThrownBy(() -> template().withKubeVersion("1.22.0").call()).hasMessageContaining("kubeVersion");
    }

    @Test
    void lintStrictPassesWithNoWarning() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    // ---- default values: GPU engines, sidecars, Redis in the release -----------------------------------------

    @Test
    void defaultsGpuEngineRequestsOneGpuWithTheVideoDriverCapability() {
        Rendered r = render(template());
        Deployment gpu = r.deployment(RELEASE + "-ams-engine-gpu");
        Container c = only(gpu.getSpec().getTemplate());

        assertThat(c.getResources().getLimits()).containsKey("nvidia.com/gpu");
        assertThat(c.getResources().getLimits().get("nvidia.com/gpu").getNumericalAmount()).isEqualByComparingTo("1");
        // extended resources: a request, where given, must equal the limit
        Quantity req = Optional.ofNullable(c.getResources().getRequests()).map(m -> m.get("nvidia.com/gpu")).orElse(null);
        assertThat(req == null || req.getNumericalAmount().compareTo(java.math.BigDecimal.ONE) == 0).isTrue();
        assertThat(env(c, "NVIDIA_DRIVER_CAPABILITIES")).isEqualTo("compute,video,utility");
        assertThat(env(c, "NVIDIA_VISIBLE_DEVICES")).isEqualTo("all");

        var pod = gpu.getSpec().getTemplate().getSpec();
        assertThat(pod.getNodeSelector()).containsEntry("nvidia.com/gpu.present", "true");
        assertThat(pod.getTolerations()).anyMatch(t -> "nvidia.com/gpu".equals(t.getKey()) && "NoSchedule".equals(t.getEffect()));

        Map<String, String> flags = flags(c, "engine");
        assertThat(flags).containsEntry("--backend", "auto").containsEntry("--bind", "0.0.0.0")
                .containsEntry("--grpc-port", "50051").containsEntry("--media-ports", "40000-40999")
                .containsEntry("--record-dir", "/var/lib/ams/recordings")
                .containsEntry("--media-host", "$(POD_IP)").containsEntry("--advertise-grpc", "$(POD_IP):50051");
        assertThat(fieldRef(c, "POD_IP")).isEqualTo("status.podIP");
        assertThat(port(c, "grpc")).isEqualTo(Integer.parseInt(flags.get("--grpc-port")));
        assertThat(mountedUnder(c, "--record-dir", flags)).isTrue();
    }

    @Test
    void defaultsEngineProbesAndGraceMatchTheProcess() {
        Rendered r = render(template());
        Deployment gpu = r.deployment(RELEASE + "-ams-engine-gpu");
        Container c = only(gpu.getSpec().getTemplate());
        Map<String, String> flags = flags(c, "engine");
        int metricsPort = Integer.parseInt(flags.get("--metrics-port"));
        assertThat(metricsPort).isEqualTo(9464);

        HTTPGetAction ready = c.getReadinessProbe().getHttpGet();
        HTTPGetAction live = c.getLivenessProbe().getHttpGet();
        assertThat(ready.getPath()).isEqualTo("/healthz");
        assertThat(live.getPath()).isEqualTo("/livez");
        assertThat(resolve(c, ready.getPort())).isEqualTo(metricsPort);
        assertThat(resolve(c, live.getPort())).isEqualTo(metricsPort);
        assertThat(ready.getScheme() == null || ready.getScheme().equals("HTTP")).isTrue();
        if (c.getStartupProbe() != null) {
            assertThat(resolve(c, c.getStartupProbe().getHttpGet().getPort())).isEqualTo(metricsPort);
        }

        long grace = gpu.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        assertThat(seconds(flags.get("--drain-grace"))).isEqualTo(120);
        assertThat(grace).isGreaterThanOrEqualTo(seconds(flags.get("--drain-grace")));
        // a rolling update starts the new engine before the old one drains
        assertThat(gpu.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();

        // the control token: a file in the mounted Secret, the Secret holding a token the engine accepts
        String tokenFile = flags.get("--control-token-file");
        VolumeMount m = mountOf(c, tokenFile);
        Volume v = volume(gpu.getSpec().getTemplate(), m.getName());
        Secret s = r.one(Secret.class, v.getSecret().getSecretName());
        String key = Path.of(tokenFile).getFileName().toString();
        assertThat(v.getSecret().getItems() == null || v.getSecret().getItems().stream().anyMatch(i -> i.getPath().equals(key))).isTrue();
        String token = new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.US_ASCII);
        assertThat(token).hasSizeGreaterThanOrEqualTo(16).matches("[!-~]+");
        // the ams user (uid 10001) reads it through fsGroup, others do not
        assertThat(gpu.getSpec().getTemplate().getSpec().getSecurityContext().getFsGroup()).isEqualTo(10001L);
        assertThat(v.getSecret().getDefaultMode()).isEqualTo(0440);
    }

    @Test
    void defaultsSidecarIsOnTheHostNetworkWithItsPortsAndProbes() {
        Rendered r = render(template());
        DaemonSet ds = r.one(DaemonSet.class, RELEASE + "-ams-sidecar");
        var pod = ds.getSpec().getTemplate().getSpec();
        assertThat(pod.getHostNetwork()).isTrue();
        assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
        Container c = only(ds.getSpec().getTemplate());
        Map<String, String> flags = flags(c, "sidecar");

        int http = Integer.parseInt(flags.get("--http-port"));
        int media = Integer.parseInt(flags.get("--media-port"));
        assertThat(http).isEqualTo(8443);
        assertThat(media).isEqualTo(10000);
        ContainerPort udp = c.getPorts().stream().filter(p -> p.getContainerPort() == media).findFirst().orElseThrow();
        assertThat(udp.getProtocol()).isEqualTo("UDP");
        // on the host network a declared hostPort must equal the containerPort
        assertThat(c.getPorts()).allMatch(p -> p.getHostPort() == null || p.getHostPort().equals(p.getContainerPort()));

        for (var probe : List.of(c.getReadinessProbe(), c.getLivenessProbe())) {
            assertThat(resolve(c, probe.getHttpGet().getPort())).isEqualTo(http);
            assertThat(probe.getHttpGet().getScheme()).isEqualTo("HTTPS"); // --tls-self-signed by default
        }
        assertThat(flags).containsKey("--tls-self-signed");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/livez");

        assertThat(seconds(flags.get("--drain-grace"))).isEqualTo(3600);
        assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThanOrEqualTo(seconds(flags.get("--drain-grace")));

        assertThat(flags.get("--advertise")).isEqualTo("$(NODE_IP)");
        assertThat(flags.get("--mix-address")).isEqualTo("$(NODE_IP)");
        assertThat(fieldRef(c, "NODE_IP")).isEqualTo("status.hostIP");
        assertThat(flags.get("--metrics-port")).isEqualTo("9465");
        assertThat(flags.get("--public-url")).isEqualTo("https://$(NODE_IP):8443");
        assertThat(flags.get("--sidecar-id")).isEqualTo("$(NODE_NAME)");
        assertThat(fieldRef(c, "NODE_NAME")).isEqualTo("spec.nodeName");
        assertThat(flags).doesNotContainKey("--engine"); // the single-engine form; engines come from Redis
        assertThat(mountOf(c, flags.get("--control-token-file"))).isNotNull();
        assertThat(gpuLimit(c)).isNull();
        assertThat(env(c, "NVIDIA_VISIBLE_DEVICES")).isEqualTo("void");
    }

    @Test
    void defaultsRedisInTheReleaseFeedsBothProcesses() {
        Rendered r = render(template());
        String uri = "redis://" + RELEASE + "-ams-redis:6379";
        assertThat(flags(only(r.deployment(RELEASE + "-ams-engine-gpu").getSpec().getTemplate()), "engine"))
                .containsEntry("--redis-uri", uri);
        assertThat(flags(only(r.one(DaemonSet.class, RELEASE + "-ams-sidecar").getSpec().getTemplate()), "sidecar"))
                .containsEntry("--redis-uri", uri);
        Service redis = r.one(Service.class, RELEASE + "-ams-redis");
        assertThat(redis.getSpec().getPorts()).anyMatch(p -> p.getPort() == 6379);
        assertThat(r.podsSelectedBy(redis.getSpec().getSelector())).containsExactly(RELEASE + "-ams-redis");
        assertThat(targetPortsExist(r, redis)).isTrue();
    }

    @Test
    void defaultsSelectorsOfPdbsServicesAndHpaMatchThePods() {
        Rendered r = render(template());
        String gpu = RELEASE + "-ams-engine-gpu";
        String sidecar = RELEASE + "-ams-sidecar";

        PodDisruptionBudget enginePdb = r.one(PodDisruptionBudget.class, RELEASE + "-ams-engine");
        assertThat(r.podsSelectedBy(enginePdb.getSpec().getSelector().getMatchLabels())).containsExactly(gpu);
        assertThat(enginePdb.getSpec().getSelector().getMatchExpressions()).isNullOrEmpty();
        PodDisruptionBudget sidecarPdb = r.one(PodDisruptionBudget.class, sidecar);
        assertThat(r.podsSelectedBy(sidecarPdb.getSpec().getSelector().getMatchLabels())).containsExactly(sidecar);

        Service engineSvc = r.one(Service.class, RELEASE + "-ams-engine");
        assertThat(engineSvc.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(r.podsSelectedBy(engineSvc.getSpec().getSelector())).containsExactly(gpu);
        assertThat(targetPortsExist(r, engineSvc)).isTrue();
        Service sidecarSvc = r.one(Service.class, sidecar);
        assertThat(r.podsSelectedBy(sidecarSvc.getSpec().getSelector())).containsExactly(sidecar);
        assertThat(targetPortsExist(r, sidecarSvc)).isTrue();

        // each workload's own selector matches its template (the API server refuses it otherwise)
        for (Deployment d : r.all(Deployment.class)) {
            assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                    .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
        }
        DaemonSet ds = r.one(DaemonSet.class, sidecar);
        assertThat(ds.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(ds.getSpec().getSelector().getMatchLabels());

        HorizontalPodAutoscaler hpa = r.one(HorizontalPodAutoscaler.class, gpu);
        assertHpaOn(r, hpa, gpu);
        assertThat(r.deployment(gpu).getSpec().getReplicas()).as("the HPA owns replicas").isNull();
        assertThat(r.all(HorizontalPodAutoscaler.class)).hasSize(1);
    }

    // ---- other value sets ---------------------------------------------------------------------------------------

    @Test
    void cpuOnlyValuesHaveNoGpuAnywhere() {
        Rendered r = render(template().withValuesFile(CHART.resolve("values-cpu-only.yaml")));
        String cpu = RELEASE + "-ams-engine-cpu";
        assertThat(r.names(Deployment.class)).containsExactlyInAnyOrder(cpu, RELEASE + "-ams-redis");
        Deployment d = r.deployment(cpu);
        Container c = only(d.getSpec().getTemplate());
        assertThat(gpuLimit(c)).isNull();
        assertThat(Optional.ofNullable(c.getResources().getRequests()).orElse(Map.of())).doesNotContainKey("nvidia.com/gpu");
        assertThat(flags(c, "engine")).containsEntry("--backend", "cpu");
        assertThat(env(c, "NVIDIA_VISIBLE_DEVICES")).isEqualTo("void");
        assertThat(env(c, "NVIDIA_DRIVER_CAPABILITIES")).isNull();
        assertThat(Optional.ofNullable(d.getSpec().getTemplate().getSpec().getNodeSelector()).orElse(Map.of()))
                .doesNotContainKey("nvidia.com/gpu.present");
        for (HasMetadata o : r.objects) {
            for (PodTemplateSpec t : templates(o)) {
                for (Container any : t.getSpec().getContainers()) {
                    assertThat(gpuLimit(any)).as(o.getMetadata().getName()).isNull();
                }
            }
        }
        assertHpaOn(r, r.one(HorizontalPodAutoscaler.class, cpu), cpu);
        assertThat(r.podsSelectedBy(r.one(Service.class, RELEASE + "-ams-engine").getSpec().getSelector())).containsExactly(cpu);
        assertThat(r.podsSelectedBy(r.one(PodDisruptionBudget.class, RELEASE + "-ams-engine").getSpec().getSelector().getMatchLabels()))
                .containsExactly(cpu);
    }

    @Test
    void gpuAndCpuEnginesTogetherKeepApartSelectorsAndOneHpaEach() {
        Rendered r = render(template().set("engine.cpu.enabled", "true"));
        String gpu = RELEASE + "-ams-engine-gpu";
        String cpu = RELEASE + "-ams-engine-cpu";
        // two Deployments whose selectors overlapped would fight over each other's pods
        assertThat(r.podsSelectedBy(r.deployment(gpu).getSpec().getSelector().getMatchLabels())).containsExactly(gpu);
        assertThat(r.podsSelectedBy(r.deployment(cpu).getSpec().getSelector().getMatchLabels())).containsExactly(cpu);
        assertHpaOn(r, r.one(HorizontalPodAutoscaler.class, gpu), gpu);
        assertHpaOn(r, r.one(HorizontalPodAutoscaler.class, cpu), cpu);
        assertThat(r.podsSelectedBy(r.one(Service.class, RELEASE + "-ams-engine").getSpec().getSelector()))
                .containsExactlyInAnyOrder(gpu, cpu);
        assertThat(gpuLimit(only(r.deployment(gpu).getSpec().getTemplate()))).isNotNull();
        assertThat(gpuLimit(only(r.deployment(cpu).getSpec().getTemplate()))).isNull();
    }

    @Test
    void operatorRedisUrlReplacesTheInReleaseRedis() {
        String url = "redis://redis-master.data.svc:6379";
        Rendered r = render(template().set("redis.url", url));
        assertThat(r.names(Deployment.class)).containsExactly(RELEASE + "-ams-engine-gpu");
        assertThat(r.names(Service.class)).doesNotContain(RELEASE + "-ams-redis");
        assertThat(flags(only(r.deployment(RELEASE + "-ams-engine-gpu").getSpec().getTemplate()), "engine"))
                .containsEntry("--redis-uri", url);
        assertThat(flags(only(r.one(DaemonSet.class, RELEASE + "-ams-sidecar").getSpec().getTemplate()), "sidecar"))
                .containsEntry("--redis-uri", url);
    }

    @Test
    void engineOptionsReachTheFlags() {
        Rendered r = render(template().set("engine.allowDestinations", "10.0.0.0/16").set("engine.capacity", "6"));
        Map<String, String> flags = flags(only(r.deployment(RELEASE + "-ams-engine-gpu").getSpec().getTemplate()), "engine");
        assertThat(flags).containsEntry("--allow-destinations", "10.0.0.0/16").containsEntry("--capacity", "6");
        Map<String, String> defaults = flags(only(render(template()).deployment(RELEASE + "-ams-engine-gpu").getSpec().getTemplate()), "engine");
        assertThat(defaults).doesNotContainKeys("--allow-destinations", "--capacity");
    }

    /**
     * The rendered command lines are ones the real {@code ams} accepts: every flag exists, takes a value where one is
     * given, and the values convert (picocli's parse of {@link Ams}, nothing started). $(VAR)s as the kubelet fills them.
     */
    @Test
    void engineArgsParseAsAmsEngine() {
        Rendered r = render(template().set("engine.cpu.enabled", "true").set("engine.capacity", "6")
                .set("engine.allowDestinations", "10.0.0.0/16"));
        for (String d : List.of(RELEASE + "-ams-engine-gpu", RELEASE + "-ams-engine-cpu")) {
            CommandLine.ParseResult p = parse(only(r.deployment(d).getSpec().getTemplate()));
            assertThat(p.subcommand().commandSpec().name()).isEqualTo("engine");
            assertThat(p.subcommand().matchedOptionValue("--media-host", "")).isEqualTo("10.1.2.3");
            assertThat(p.subcommand().matchedOptionValue("--advertise-grpc", "")).isEqualTo("10.1.2.3:50051");
        }
    }

    @Test
    void sidecarArgsParseAsAmsSidecar() {
        CommandLine sidecar = Ams.newCommandLine().getSubcommands().get("sidecar");
        for (String flag : List.of("--redis-uri", "--public-url", "--sidecar-id", "--drain-grace")) {
            assumeTrue(sidecar.getCommandSpec().findOption(flag) != null,
                    "ams sidecar has no " + flag + " in this tree yet (the sidecar's cluster flags)");
        }
        Rendered r = render(template().set("turn.uris[0]", "turn:turn.example.org:3478?transport=udp")
                .set("turn.secret", "a-shared-turn-secret").set("sidecar.tlsSecretName", "ams-tls"));
        CommandLine.ParseResult p = parse(only(r.one(DaemonSet.class, RELEASE + "-ams-sidecar").getSpec().getTemplate()));
        assertThat(p.subcommand().commandSpec().name()).isEqualTo("sidecar");
        assertThat(p.subcommand().matchedOptionValue("--public-url", "")).isEqualTo("https://192.0.2.10:8443");
        assertThat(parse(only(render(template()).one(DaemonSet.class, RELEASE + "-ams-sidecar").getSpec().getTemplate()))
                .subcommand().hasMatchedOption("--tls-self-signed")).isTrue();
    }

    private static CommandLine.ParseResult parse(Container c) {
        List<String> argv = new ArrayList<>(c.getCommand());
        argv.addAll(c.getArgs());
        assertThat(argv.get(0)).isEqualTo("ams");
        String[] args = argv.subList(1, argv.size()).stream()
                .map(a -> a.replace("$(POD_IP)", "10.1.2.3").replace("$(NODE_IP)", "192.0.2.10").replace("$(NODE_NAME)", "node-a"))
                .toArray(String[]::new);
        return Ams.newCommandLine().parseArgs(args);
    }

    /** values.schema.json: Helm refuses a misspelt or mistyped value instead of silently using the default. */
    @Test
    void valuesSchemaRefusesMisspeltAndWrongValues() {
        assertThatThrownBy(() -> template().set("engine.gpu.enabeld", "false").call()).hasMessageContaining("enabeld");
        assertThatThrownBy(() -> template().set("sidecar.drainGraceSeconds", "1h").call())
                .hasMessageContaining("drainGraceSeconds");
        assertThatThrownBy(() -> template().set("engine.gpu.driverCapabilities", "compute,utility").call())
                .hasMessageContaining("driverCapabilities");
        assertThatThrownBy(() -> template().set("redis.url", "redis-master:6379").call()).hasMessageContaining("url");
        // the sidecar wants a base URL, no path
        assertThatThrownBy(() -> template().set("sidecar.publicUrl", "https://meet.example.org/ams").call())
                .hasMessageContaining("publicUrl");
        assertThat(template().set("engine.gpu.driverCapabilities", "compute,video,utility,graphics").call()).contains("graphics");
    }

    @Test
    void noRedisAtAllIsRefusedWithTheReason() {
        assertThatThrownBy(() -> template().set("redis.internal.enabled", "false").call())
                .hasMessageContaining("redis.url");
    }

    @Test
    void autoscalingOffLeavesReplicasToTheValues() {
        Rendered r = render(template().set("engine.autoscaling.enabled", "false").set("engine.gpu.replicas", "3"));
        assertThat(r.all(HorizontalPodAutoscaler.class)).isEmpty();
        assertThat(r.deployment(RELEASE + "-ams-engine-gpu").getSpec().getReplicas()).isEqualTo(3);
    }

    @Test
    void longerDrainGraceGivesALongerTerminationGrace() {
        Rendered r = render(template().set("engine.drainGraceSeconds", "2400").set("sidecar.drainGraceSeconds", "18000"));
        Deployment d = r.deployment(RELEASE + "-ams-engine-gpu");
        assertThat(flags(only(d.getSpec().getTemplate()), "engine")).containsEntry("--drain-grace", "2400s");
        assertThat(d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isGreaterThanOrEqualTo(2400L);
        assertHpaOn(r, r.one(HorizontalPodAutoscaler.class, RELEASE + "-ams-engine-gpu"), RELEASE + "-ams-engine-gpu");
        DaemonSet ds = r.one(DaemonSet.class, RELEASE + "-ams-sidecar");
        assertThat(flags(only(ds.getSpec().getTemplate()), "sidecar")).containsEntry("--drain-grace", "18000s");
        assertThat(ds.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isGreaterThanOrEqualTo(18000L);
    }

    @Test
    void turnServerGetsItsSecretFromTheChartSecret() {
        Rendered r = render(template().set("turn.uris[0]", "turn:turn.example.org:3478?transport=udp")
                .set("turn.secret", "a-shared-turn-secret").set("sidecar.tlsSecretName", "ams-tls"));
        Secret s = r.one(Secret.class, RELEASE + "-ams-secret");
        assertThat(new String(Base64.getDecoder().decode(s.getData().get("turn.secret")), StandardCharsets.UTF_8))
                .isEqualTo("a-shared-turn-secret");
        DaemonSet ds = r.one(DaemonSet.class, RELEASE + "-ams-sidecar");
        Container c = only(ds.getSpec().getTemplate());
        Map<String, String> flags = flags(c, "sidecar");
        assertThat(flags).containsEntry("--turn-uri", "turn:turn.example.org:3478?transport=udp");
        VolumeMount m = mountOf(c, flags.get("--turn-secret-file"));
        assertThat(volume(ds.getSpec().getTemplate(), m.getName()).getSecret().getSecretName()).isEqualTo(s.getMetadata().getName());
        // a certificate from a TLS Secret instead of the self-signed one
        assertThat(flags).doesNotContainKey("--tls-self-signed");
        VolumeMount tls = mountOf(c, flags.get("--tls-cert"));
        assertThat(volume(ds.getSpec().getTemplate(), tls.getName()).getSecret().getSecretName()).isEqualTo("ams-tls");
        assertThat(mountOf(c, flags.get("--tls-key"))).isEqualTo(tls);
    }

    @Test
    void sidecarsShareTheJoinTokenKeyFromTheSecret() {
        Rendered r = render(template());
        Secret s = r.one(Secret.class, RELEASE + "-ams-secret");
        byte[] key = Base64.getDecoder().decode(new String(Base64.getDecoder().decode(s.getData().get("token.key")),
                StandardCharsets.UTF_8).strip());
        assertThat(key).as("the key file holds base64 of 32 random bytes, as JoinTokens reads it").hasSize(32);
        DaemonSet ds = r.one(DaemonSet.class, RELEASE + "-ams-sidecar");
        Container c = only(ds.getSpec().getTemplate());
        String keyFile = flags(c, "sidecar").get("--data-dir") + "/token.key";
        VolumeMount m = c.getVolumeMounts().stream().filter(x -> x.getMountPath().equals(keyFile)).findFirst()
                .orElseThrow(() -> new AssertionError("no mount at " + keyFile + ": every sidecar would make its own key"));
        assertThat(m.getSubPath()).isEqualTo("token.key");
        assertThat(volume(ds.getSpec().getTemplate(), m.getName()).getSecret().getSecretName()).isEqualTo(s.getMetadata().getName());
        // a key given by the operator is the one served
        String given = Base64.getEncoder().encodeToString(new byte[32]);
        Secret fixed = render(template().set("secret.joinTokenKey", given)).one(Secret.class, RELEASE + "-ams-secret");
        assertThat(new String(Base64.getDecoder().decode(fixed.getData().get("token.key")), StandardCharsets.UTF_8)).isEqualTo(given);
    }

    @Test
    void turnServerWithoutItsSecretIsRefused() {
        assertThatThrownBy(() -> template().set("turn.uris[0]", "turn:turn.example.org:3478").call())
                .hasMessageContaining("turn.secret");
    }

    @Test
    void serviceMonitorScrapesBothComponentsWithTheControlToken() {
        String out = template().set("metrics.serviceMonitor.enabled", "true").call();
        JsonNode sm = documents(out).stream().filter(n -> "ServiceMonitor".equals(n.path("kind").asString()))
                .findFirst().orElseThrow();
        GenericKubernetesResource g = YAML.treeToValue(sm, GenericKubernetesResource.class);
        assertThat(g.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        JsonNode ep = sm.path("spec").path("endpoints").get(0);
        assertThat(ep.path("port").asString()).isEqualTo("metrics");
        assertThat(ep.path("authorization").path("credentials").path("key").asString()).isEqualTo("control.token");
        assertThat(ep.path("authorization").path("credentials").path("name").asString()).isEqualTo(RELEASE + "-ams-secret");
        // both Services have the port the ServiceMonitor names
        Rendered r = render(template());
        for (String svc : List.of(RELEASE + "-ams-engine", RELEASE + "-ams-sidecar")) {
            assertThat(r.one(Service.class, svc).getSpec().getPorts()).anyMatch(p -> "metrics".equals(p.getName()));
        }
    }

    @Test
    void prometheusAdapterRuleServesTheHpaMetricPerPod() throws Exception {
        JsonNode values = YAML.readTree(Files.readString(CHART.resolve("prometheus-adapter-values.yaml")));
        JsonNode chartValues = YAML.readTree(Files.readString(CHART.resolve("values.yaml")));
        String metric = chartValues.path("engine").path("autoscaling").path("metricName").asString();
        assertThat(metric).isEqualTo("ams_engine_load_ratio");
        JsonNode rule = null;
        for (JsonNode n : values.path("rules").path("custom")) {
            if (metric.equals(n.path("name").path("as").asString())) {
                rule = n;
            }
        }
        assertThat(rule).as("an adapter rule exposing %s", metric).isNotNull();
        assertThat(rule.path("seriesQuery").asString()).startsWith(metric + "{");
        assertThat(rule.path("resources").path("overrides").path("pod").path("resource").asString()).isEqualTo("pod");
        assertThat(rule.path("resources").path("overrides").path("namespace").path("resource").asString()).isEqualTo("namespace");
        assertThat(rule.path("metricsQuery").asString()).contains("<<.Series>>").contains("<<.LabelMatchers>>");
    }

    /** The strict reading is what makes the checks above worth anything: a misspelt field must fail. */
    @Test
    void strictReadingRejectsAnUnknownOrMisplacedField() {
        String typo = """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: x}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      hostNetwrok: true
                      containers: [{name: c, image: i}]
                """;
        assertThatThrownBy(() -> render(typo)).hasMessageContaining("hostNetwrok");
        String misplaced = """
                apiVersion: v1
                kind: Service
                metadata: {name: x}
                spec:
                  ports: [{port: 1, protocol: UDP}]
                  hostNetwork: true
                """;
        assertThatThrownBy(() -> render(misplaced)).hasMessageContaining("hostNetwork");
        String wrongType = """
                apiVersion: policy/v1
                kind: PodDisruptionBudget
                metadata: {name: x}
                spec:
                  selector: {matchLabels: [a, b]}
                """;
        assertThatThrownBy(() -> render(wrongType)).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> render("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n"))
                .hasMessageContaining("v1/Pod");
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static TemplateCommand template() {
        // helm-java's built-in default is Kubernetes 1.20, below the chart's kubeVersion (>= 1.23)
        return new Helm(CHART).template().withName(RELEASE).withNamespace("conferencing").withKubeVersion("1.30.0");
    }

    private static Rendered render(TemplateCommand cmd) {
        return render(cmd.call());
    }

    /** Every document as its model, strictly: FAIL_ON_UNKNOWN_PROPERTIES, and no field left in additionalProperties. */
    private static Rendered render(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (JsonNode doc : documents(yaml)) {
            String key = doc.path("apiVersion").asString() + "/" + doc.path("kind").asString();
            Class<? extends HasMetadata> type = KINDS.get(key);
            if (type == null) {
                throw new AssertionError("unexpected kind " + key + " (no model to check it against)");
            }
            HasMetadata o = YAML.treeToValue(doc, type);
            List<String> unknown = new ArrayList<>();
            unknownFields(o, key + " " + o.getMetadata().getName(), unknown, new IdentityHashMap<>());
            if (!unknown.isEmpty()) {
                throw new AssertionError("fields the Kubernetes model does not know: " + unknown);
            }
            objects.add(o);
        }
        assertThat(objects).isNotEmpty();
        return new Rendered(objects);
    }

    private static List<JsonNode> documents(String yaml) {
        List<JsonNode> docs = new ArrayList<>();
        for (String part : yaml.split("(?m)^---\\s*$")) {
            String body = part.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).collect(Collectors.joining("\n"));
            if (!body.isEmpty()) {
                docs.add(YAML.readTree(part));
            }
        }
        return docs;
    }

    /** fabric8 models keep fields they do not know in additionalProperties (JsonAnySetter) instead of failing. */
    private static void unknownFields(Object o, String path, List<String> out, IdentityHashMap<Object, Boolean> seen) {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                unknownFields(e, path + "[" + i++ + "]", out, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (var e : m.entrySet()) {
                unknownFields(e.getValue(), path + "." + e.getKey(), out, seen);
            }
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.") || o instanceof IntOrString || o instanceof Quantity) {
            return;
        }
        for (Method g : o.getClass().getMethods()) {
            if (g.getParameterCount() != 0 || Modifier.isStatic(g.getModifiers()) || !g.getName().startsWith("get")
                    || g.getName().equals("getClass")) {
                continue;
            }
            Object v;
            try {
                v = g.invoke(o);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
            if (g.getName().equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    out.add(path + ": " + extra.keySet());
                }
                continue;
            }
            unknownFields(v, path + "." + g.getName().substring(3, 4).toLowerCase() + g.getName().substring(4), out, seen);
        }
    }

    private static void assertHpaOn(Rendered r, HorizontalPodAutoscaler hpa, String deployment) {
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getScaleTargetRef().getApiVersion()).isEqualTo("apps/v1");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(deployment);
        assertThat(r.deployment(deployment)).isNotNull();
        assertThat(hpa.getSpec().getMinReplicas()).isPositive().isLessThanOrEqualTo(hpa.getSpec().getMaxReplicas());
        assertThat(hpa.getSpec().getMetrics()).hasSize(1);
        var m = hpa.getSpec().getMetrics().get(0);
        assertThat(m.getType()).isEqualTo("Pods");
        assertThat(m.getPods().getMetric().getName()).isEqualTo("ams_engine_load_ratio");
        assertThat(m.getPods().getTarget().getType()).isEqualTo("AverageValue");
        var target = m.getPods().getTarget().getAverageValue().getNumericalAmount();
        assertThat(target).isGreaterThan(java.math.BigDecimal.ZERO).isLessThanOrEqualTo(java.math.BigDecimal.ONE);
        // scale-down removes one engine per drain period at most
        var down = hpa.getSpec().getBehavior().getScaleDown();
        Container c = only(r.deployment(deployment).getSpec().getTemplate());
        long drain = seconds(flags(c, "engine").get("--drain-grace"));
        assertThat(down.getPolicies()).allMatch(p -> !"Pods".equals(p.getType())
                || p.getValue() == 1 && p.getPeriodSeconds() >= Math.min(drain, 1800) && p.getPeriodSeconds() <= 1800);
    }

    private static Container only(PodTemplateSpec t) {
        assertThat(t.getSpec().getContainers()).hasSize(1);
        return t.getSpec().getContainers().get(0);
    }

    private static List<PodTemplateSpec> templates(HasMetadata o) {
        if (o instanceof Deployment d) {
            return List.of(d.getSpec().getTemplate());
        }
        if (o instanceof DaemonSet d) {
            return List.of(d.getSpec().getTemplate());
        }
        return List.of();
    }

    /** The process's flags: command "ams", then the subcommand, then --flag value or --switch. */
    private static Map<String, String> flags(Container c, String subcommand) {
        List<String> argv = new ArrayList<>();
        if (c.getCommand() != null) {
            argv.addAll(c.getCommand());
        }
        if (c.getArgs() != null) {
            argv.addAll(c.getArgs());
        }
        assertThat(argv).startsWith("ams", subcommand);
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 2; i < argv.size(); i++) {
            String a = argv.get(i);
            assertThat(a).as("argument %d of %s", i, argv).startsWith("--");
            boolean hasValue = i + 1 < argv.size() && !argv.get(i + 1).startsWith("--");
            String prev = flags.put(a, hasValue ? argv.get(++i) : "");
            assertThat(prev).as("%s given twice", a).isNull();
        }
        return flags;
    }

    private static String env(Container c, String name) {
        return c.getEnv() == null ? null
                : c.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst().orElse(null);
    }

    private static String fieldRef(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .map(e -> e.getValueFrom().getFieldRef().getFieldPath()).orElse(null);
    }

    private static Quantity gpuLimit(Container c) {
        return c.getResources() == null || c.getResources().getLimits() == null ? null
                : c.getResources().getLimits().get("nvidia.com/gpu");
    }

    private static int port(Container c, String name) {
        return c.getPorts().stream().filter(p -> name.equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + name)).getContainerPort();
    }

    private static int resolve(Container c, IntOrString p) {
        return p.getIntVal() != null ? p.getIntVal() : port(c, p.getStrVal());
    }

    private static VolumeMount mountOf(Container c, String file) {
        assertThat(file).as("a file flag").isNotNull();
        return c.getVolumeMounts().stream().filter(m -> file.startsWith(m.getMountPath() + "/")).findFirst()
                .orElseThrow(() -> new AssertionError(file + " is in no mounted volume"));
    }

    private static boolean mountedUnder(Container c, String flag, Map<String, String> flags) {
        String dir = flags.get(flag);
        return c.getVolumeMounts().stream().anyMatch(m -> dir.equals(m.getMountPath()) || dir.startsWith(m.getMountPath() + "/"));
    }

    private static Volume volume(PodTemplateSpec t, String name) {
        return t.getSpec().getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
    }

    private static boolean targetPortsExist(Rendered r, Service s) {
        List<Container> pods = r.podsSelectedBy(s.getSpec().getSelector()).stream()
                .map(r::template).map(HelmChartTest::only).toList();
        assertThat(pods).isNotEmpty();
        for (ServicePort sp : s.getSpec().getPorts()) {
            for (Container c : pods) {
                IntOrString tp = sp.getTargetPort() == null ? new IntOrString(sp.getPort()) : sp.getTargetPort();
                int p = resolve(c, tp);
                String protocol = sp.getProtocol() == null ? "TCP" : sp.getProtocol();
                assertThat(c.getPorts()).as("%s port %s", s.getMetadata().getName(), sp.getName())
                        .anyMatch(cp -> cp.getContainerPort() == p
                                && protocol.equals(cp.getProtocol() == null ? "TCP" : cp.getProtocol()));
            }
        }
        return true;
    }

    /** "120s", "2m", "1h" as Picocli's --drain-grace reads them. */
    private static long seconds(String text) {
        Matcher m = Pattern.compile("(\\d+)([smhd])").matcher(text);
        assertThat(m.matches()).as("duration %s", text).isTrue();
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> n;
            case "m" -> Duration.ofMinutes(n).toSeconds();
            case "h" -> Duration.ofHours(n).toSeconds();
            default -> Duration.ofDays(n).toSeconds();
        };
    }

    private static Path chartDir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolve("deploy/helm/ams");
            if (Files.isRegularFile(c.resolve("Chart.yaml"))) {
                return c;
            }
        }
        throw new IllegalStateException("deploy/helm/ams not found above " + Path.of("").toAbsolutePath());
    }

    private record Rendered(List<HasMetadata> objects) {
        <T extends HasMetadata> List<T> all(Class<T> type) {
            return objects.stream().filter(type::isInstance).map(type::cast).toList();
        }

        <T extends HasMetadata> T one(Class<T> type, String name) {
            List<T> found = all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).toList();
            assertThat(found).as("%s %s among %s", type.getSimpleName(), name, names(type)).hasSize(1);
            return found.get(0);
        }

        Deployment deployment(String name) {
            return one(Deployment.class, name);
        }

        List<String> names(Class<? extends HasMetadata> type) {
            return all(type).stream().map(o -> o.getMetadata().getName()).toList();
        }

        PodTemplateSpec template(String workload) {
            return objects.stream().filter(o -> o.getMetadata().getName().equals(workload))
                    .flatMap(o -> templates(o).stream()).findFirst().orElseThrow();
        }

        /** The workloads (Deployments, DaemonSets) whose pods carry every label of the selector. */
        List<String> podsSelectedBy(Map<String, String> selector) {
            assertThat(selector).as("an empty selector selects everything").isNotEmpty();
            List<String> out = new ArrayList<>();
            for (HasMetadata o : objects) {
                for (PodTemplateSpec t : templates(o)) {
                    if (t.getMetadata().getLabels().entrySet().containsAll(selector.entrySet())) {
                        out.add(o.getMetadata().getName());
                    }
                }
            }
            return out;
        }
    }
}
