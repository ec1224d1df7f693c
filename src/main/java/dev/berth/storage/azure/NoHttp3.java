package dev.berth.storage.azure;

import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;

/**
 * Native executable only: reactor-netty never tries HTTP/3. The native profile puts Netty's HTTP/3
 * classes on the class path so the image compiles, but not the QUIC native library they need, so
 * reactor-netty's own check (are the classes there?) answers yes and its TLS setup, which prepares
 * an HTTP/3 context too, fails on every HTTPS request ("could not load a native library:
 * netty_quiche_linux_x86_64"). The Azure SDK's client speaks HTTP/1.1.
 */
@TargetClass(className = "reactor.netty.http.internal.Http3")
final class NoHttp3 {
  private NoHttp3() {}

  @Substitute
  static boolean isHttp3Available() {
    return false;
  }
}
