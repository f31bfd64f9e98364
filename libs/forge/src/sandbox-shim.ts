/**
 * A minimal WordPress (and WooCommerce) for the sandbox: the functions and
 * classes a plugin calls while loading, recording what it registers instead of
 * doing anything. After loading the plugin it fires the usual hooks, renders its
 * shortcodes and settings pages, instantiates its payment gateways and calls
 * process_payment on a stub order, then prints one JSON report line.
 * Nothing here touches the network or the file system outside the sandbox.
 */
export const SANDBOX_REPORT_MARKER = '@@forge-sandbox-report@@';

export const SANDBOX_SHIM_PHP = String.raw`<?php
namespace Automattic\WooCommerce\Utilities {
	class FeaturesUtil {
		public static $declared = array();
		public static function declare_compatibility( $feature, $plugin_file, $positive = true ) {
			self::$declared[ $feature ] = (bool) $positive;
			return true;
		}
	}
}

namespace {
	// The sandbox disables error_log (its mail mode would run sendmail through a shell): this one only writes to stderr.
	if ( ! function_exists( 'error_log' ) ) {
		function error_log( $message, $message_type = 0, $destination = null, $additional_headers = null ) {
			fwrite( STDERR, 'error_log: ' . $message . "\n" );
			return true;
		}
	}
	define( 'ABSPATH', __DIR__ . '/wordpress/' );
	define( 'WPINC', 'wp-includes' );
	$GLOBALS['__forge'] = array( 'actions' => array(), 'filters' => array(), 'shortcodes' => array(), 'activation' => array(), 'options' => array(), 'pages' => array() );

	class WP_Error {
		public $code;
		public $message;
		public function __construct( $code = '', $message = '' ) { $this->code = $code; $this->message = $message; }
		public function get_error_message() { return $this->message; }
	}
	function is_wp_error( $thing ) { return $thing instanceof WP_Error; }
	function add_action( $hook, $callback, $priority = 10, $args = 1 ) { $GLOBALS['__forge']['actions'][ $hook ][] = $callback; return true; }
	function add_filter( $hook, $callback, $priority = 10, $args = 1 ) { $GLOBALS['__forge']['filters'][ $hook ][] = $callback; return true; }
	function do_action( $hook, ...$args ) { foreach ( $GLOBALS['__forge']['actions'][ $hook ] ?? array() as $cb ) { call_user_func_array( $cb, $args ); } }
	function apply_filters( $hook, $value, ...$args ) { foreach ( $GLOBALS['__forge']['filters'][ $hook ] ?? array() as $cb ) { $value = call_user_func_array( $cb, array_merge( array( $value ), $args ) ); } return $value; }
	function add_shortcode( $tag, $callback ) { $GLOBALS['__forge']['shortcodes'][ $tag ] = $callback; }
	function register_activation_hook( $file, $callback ) { $GLOBALS['__forge']['activation'][] = $callback; }
	function register_deactivation_hook( $file, $callback ) {}
	function plugin_dir_path( $file ) { return rtrim( dirname( $file ), '/' ) . '/'; }
	function plugin_dir_url( $file ) { return 'https://sandbox.invalid/wp-content/plugins/' . basename( dirname( $file ) ) . '/'; }
	function plugin_basename( $file ) { return basename( dirname( $file ) ) . '/' . basename( $file ); }
	function load_plugin_textdomain( ...$args ) { return true; }
	function __( $text, $domain = 'default' ) { return $text; }
	function _e( $text, $domain = 'default' ) { echo esc_html( $text ); }
	function esc_html( $text ) { return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8' ); }
	function esc_attr( $text ) { return esc_html( $text ); }
	function esc_textarea( $text ) { return esc_html( $text ); }
	function esc_html__( $text, $domain = 'default' ) { return esc_html( $text ); }
	function esc_attr__( $text, $domain = 'default' ) { return esc_html( $text ); }
	function esc_html_e( $text, $domain = 'default' ) { echo esc_html( $text ); }
	function esc_url( $url ) { return esc_html( $url ); }
	function esc_url_raw( $url ) { return (string) $url; }
	function sanitize_text_field( $text ) { return trim( strip_tags( (string) $text ) ); }
	function sanitize_textarea_field( $text ) { return trim( strip_tags( (string) $text ) ); }
	function sanitize_key( $key ) { return preg_replace( '/[^a-z0-9_\-]/', '', strtolower( (string) $key ) ); }
	function wp_unslash( $value ) { return is_string( $value ) ? stripslashes( $value ) : $value; }
	function wp_nonce_field( $action = -1, $name = '_wpnonce', $referer = true, $echo = true ) { $field = '<input type="hidden" name="' . esc_attr( $name ) . '" value="sandbox-nonce" />'; if ( $echo ) { echo $field; } return $field; }
	function wp_verify_nonce( $nonce, $action = -1 ) { return 'sandbox-nonce' === $nonce ? 1 : false; }
	function check_admin_referer( $action = -1, $name = '_wpnonce' ) { return 1; }
	function check_ajax_referer( $action = -1, $name = false, $die = true ) { return 1; }
	function current_user_can( $capability, ...$args ) { return true; }
	function is_admin() { return false; }
	function admin_url( $path = '' ) { return 'https://sandbox.invalid/wp-admin/' . ltrim( $path, '/' ); }
	function home_url( $path = '' ) { return 'https://sandbox.invalid/' . ltrim( $path, '/' ); }
	function add_query_arg( $key, $value, $url ) { return $url . ( strpos( $url, '?' ) === false ? '?' : '&' ) . rawurlencode( $key ) . '=' . rawurlencode( $value ); }
	function get_option( $name, $default = false ) { return $GLOBALS['__forge']['options'][ $name ] ?? $default; }
	function add_option( $name, $value = '' ) { if ( ! array_key_exists( $name, $GLOBALS['__forge']['options'] ) ) { $GLOBALS['__forge']['options'][ $name ] = $value; } return true; }
	function update_option( $name, $value ) { $GLOBALS['__forge']['options'][ $name ] = $value; return true; }
	function delete_option( $name ) { unset( $GLOBALS['__forge']['options'][ $name ] ); return true; }
	function add_options_page( $page_title, $menu_title, $capability, $slug, $callback = '' ) { $GLOBALS['__forge']['pages'][] = array( 'capability' => $capability, 'callback' => $callback ); return 'settings_page_' . $slug; }
	function add_menu_page( $page_title, $menu_title, $capability, $slug, $callback = '' ) { return add_options_page( $page_title, $menu_title, $capability, $slug, $callback ); }
	function get_admin_page_title() { return 'Settings'; }
	function submit_button() { echo '<button type="submit">Save</button>'; }
	function wp_json_encode( $data ) { return json_encode( $data ); }
	function wp_remote_post( $url, $args = array() ) { return new WP_Error( 'sandbox', 'no network in the sandbox' ); }
	function wp_remote_retrieve_response_code( $response ) { return 0; }
	function wp_get_referer() { return false; }
	function wp_safe_redirect( $location ) { return true; }
	function wp_die( $message = '' ) { throw new RuntimeException( 'wp_die: ' . $message ); }

	class WC_Payment_Gateway {
		public $id;
		public $title;
		public $description;
		public $enabled;
		public $has_fields = false;
		public $method_title;
		public $method_description;
		public $supports = array();
		public $form_fields = array();
		public $settings = array();
		public function init_form_fields() {}
		public function init_settings() { foreach ( $this->form_fields as $key => $field ) { $this->settings[ $key ] = $field['default'] ?? ''; } }
		public function get_option( $key, $empty = null ) { return $this->settings[ $key ] ?? $empty; }
		public function process_admin_options() { return true; }
		public function get_return_url( $order = null ) { return 'https://sandbox.invalid/checkout/order-received/'; }
	}
	class Forge_Sandbox_Order {
		public $status = 'pending';
		public function get_id() { return 42; }
		public function update_status( $status, $note = '' ) { $this->status = $status; return true; }
	}
	class Forge_Sandbox_Cart { public function empty_cart() { return true; } }
	class Forge_Sandbox_WooCommerce { public $cart; public function __construct() { $this->cart = new Forge_Sandbox_Cart(); } }
	function wc_get_order( $order_id ) { return 42 === (int) $order_id ? new Forge_Sandbox_Order() : false; }
	function wc_add_notice( $message, $type = 'success' ) {}
	function WC() { static $wc = null; if ( null === $wc ) { $wc = new Forge_Sandbox_WooCommerce(); } return $wc; }

	$report = array( 'loaded' => false );
	require $argv[1];
	$report['loaded'] = true;
	foreach ( $GLOBALS['__forge']['activation'] as $cb ) { call_user_func( $cb ); }
	foreach ( array( 'plugins_loaded', 'before_woocommerce_init', 'init', 'admin_menu' ) as $hook ) { do_action( $hook ); }
	$report['hooks'] = array_values( array_unique( array_merge( array_keys( $GLOBALS['__forge']['actions'] ), array_keys( $GLOBALS['__forge']['filters'] ) ) ) );
	sort( $report['hooks'] );
	$report['shortcodes'] = array();
	foreach ( $GLOBALS['__forge']['shortcodes'] as $tag => $cb ) {
		$html = (string) call_user_func( $cb, array() );
		$report['shortcodes'][ $tag ] = array( 'bytes' => strlen( $html ), 'nonce' => strpos( $html, 'sandbox-nonce' ) !== false );
	}
	$report['pages'] = array();
	foreach ( $GLOBALS['__forge']['pages'] as $page ) {
		ob_start();
		call_user_func( $page['callback'] );
		$html = ob_get_clean();
		$report['pages'][] = array( 'capability' => $page['capability'], 'bytes' => strlen( $html ), 'nonce' => strpos( $html, 'sandbox-nonce' ) !== false );
	}
	$report['gateways'] = array();
	foreach ( apply_filters( 'woocommerce_payment_gateways', array() ) as $class ) {
		$gateway = is_object( $class ) ? $class : new $class();
		$payment = $gateway->process_payment( 42 );
		$report['gateways'][] = array( 'class' => get_class( $gateway ), 'extends_wc_payment_gateway' => $gateway instanceof WC_Payment_Gateway, 'id' => $gateway->id, 'settings' => array_keys( $gateway->form_fields ), 'process_payment' => $payment );
	}
	$report['features'] = \Automattic\WooCommerce\Utilities\FeaturesUtil::$declared;
	$report['peak_memory_bytes'] = memory_get_peak_usage( true );
	echo "\n" . '${SANDBOX_REPORT_MARKER}' . json_encode( $report ) . "\n";
}
`;
