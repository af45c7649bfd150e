package rnnlab.build;

import java.util.ArrayList;
import java.util.List;

import javax.inject.Named;
import javax.inject.Singleton;

import org.apache.maven.AbstractMavenLifecycleParticipant;
import org.apache.maven.execution.MavenSession;

import rnnlab.kernels.BlasCore;

/**
 * Makes {@code mvn exec:java ...} compile first. A goal invoked on its own runs no lifecycle phase, so on a
 * fresh checkout {@code exec:java} would find no classes; when every requested goal is a plugin goal and one
 * of them is an {@code exec:} goal, this puts the {@code compile} phase in front (incremental, so nearly free
 * when nothing changed). Requests that name a phase ({@code mvn test}, {@code mvn compile exec:java}) are
 * left alone. Loaded as a core extension through {@code -Dmaven.ext.class.path} in {@code .mvn/jvm.config}.
 *
 * <p>It also sets the property {@code rnnlab.blas.coretype}, which the pom passes to the test JVM as
 * {@code OPENBLAS_CORETYPE}: the environment's value when one is set, else the OpenBLAS kernel family that
 * fits this CPU ({@link BlasCore}, the project's own source file, compiled into this jar by build.sh), else
 * {@code auto}, which OpenBLAS does not know and answers by detecting the CPU itself.
 */
@Named("rnnlab-compile-before-exec")
@Singleton
public class CompileBeforeExec extends AbstractMavenLifecycleParticipant {
    @Override
    public void afterSessionStart(MavenSession session) {
        String core = BlasCore.forThisMachine();
        if (session.getUserProperties().getProperty("rnnlab.blas.coretype") == null) {
            session.getUserProperties().setProperty("rnnlab.blas.coretype", core == null ? "auto" : core);
        }
    }

    @Override
    public void afterProjectsRead(MavenSession session) {
        List<String> goals = session.getRequest().getGoals();
        boolean anyExec = goals.stream().anyMatch(g -> g.startsWith("exec:") || g.contains(":exec-maven-plugin:"));
        boolean anyPhase = goals.stream().anyMatch(g -> !g.contains(":"));
        if (anyExec && !anyPhase) {
            List<String> withCompile = new ArrayList<>();
            withCompile.add("compile");
            withCompile.addAll(goals);
            session.getRequest().setGoals(withCompile);
        }
    }
}
